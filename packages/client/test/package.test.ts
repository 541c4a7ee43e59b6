import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lobbyOf, TestChat } from './support/chat.js';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const protocolDir = resolve(packageDir, '../protocol');

/** Every module specifier that is not a relative path, reached by following imports from a built file. */
function externalImports(entry: string, seen = new Set<string>()): Set<string> {
  const found = new Set<string>();
  if (seen.has(entry)) return found;
  seen.add(entry);
  for (const [, specifier] of readFileSync(entry, 'utf8').matchAll(/^(?:import|export)\s[^;]*?\bfrom\s*['"]([^'"]+)['"]/gm)) {
    if (specifier!.startsWith('.')) for (const s of externalImports(join(dirname(entry), specifier!), seen)) found.add(s);
    else found.add(specifier!);
  }
  return found;
}

describe('the published package', () => {
  it('needs nothing from Node outside its CLI, so it runs in browsers', () => {
    const imports = externalImports(join(packageDir, 'dist/index.js'));

    expect([...imports].sort()).toEqual(['@hearth/protocol']);
    expect(externalImports(join(packageDir, 'dist/cli.js'))).toContain('node:fs');
  });

  describe('installed from its tarball outside the workspace', () => {
    let chat: TestChat;
    let project: string;
    beforeAll(async () => {
      chat = await TestChat.start();
      project = mkdtempSync(join(tmpdir(), 'hearth-bot-project-'));
    });
    afterAll(async () => {
      await chat.destroy();
      rmSync(project, { recursive: true, force: true });
    });

    it('type-checks a TypeScript bot and connects it to a running server', { timeout: 600_000 }, async () => {
      const tarballs = [];
      for (const dir of [protocolDir, packageDir]) {
        const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', project], { cwd: dir });
        tarballs.push(`./${JSON.parse(stdout)[0].filename}`);
      }
      writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'my-bot', private: true, type: 'module' }));
      await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs, 'ws@^8', '@types/ws@^8', 'typescript@5.9.3'], {
        cwd: project,
      });
      writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(BOT_TSCONFIG));
      writeFileSync(join(project, 'bot.ts'), BOT_SOURCE);
      const { user, token } = await chat.join('packedbot');

      await run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], { cwd: project });
      const { stdout } = await run(process.execPath, ['bot.js'], {
        cwd: project,
        env: { ...process.env, HEARTH_URL: chat.server.url, HEARTH_TOKEN: token },
      });

      // The protocol came from our tarball, not from whatever a registry might hold under that name.
      const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8'));
      expect(lock.packages['node_modules/@hearth/protocol'].resolved).toMatch(/^file:/);
      expect(stdout).toMatch(/^sent \d+ as packedbot \(was idle\)$/m);
      const { client: reader } = await chat.connect('reader');
      const history = await reader.loadHistory(lobbyOf(reader));
      expect(history.messages.map((m) => [m.user_id, m.content])).toEqual([[user.id, 'hello from a packed client']]);
    });
  });
});

const BOT_TSCONFIG = {
  compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, types: ['node'] },
  files: ['bot.ts'],
};

const BOT_SOURCE = `
import { ChatClient, wsUrlFor, type ClientState } from '@hearth/client';
import type { Message } from '@hearth/protocol';
import WebSocket from 'ws';

const client = new ChatClient({ url: wsUrlFor(process.env.HEARTH_URL!), token: process.env.HEARTH_TOKEN!, WebSocket });
const state: ClientState = client.state;
await client.connect();
const lobby = client.session!.conversations.find((c) => c.type === 'lobby')!;
const sent: Message = await client.sendMessage(lobby.id, 'hello from a packed client');
console.log(\`sent \${sent.id} as \${client.session!.user.nickname} (was \${state})\`);
client.close();
`;
