import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));

// npm sets npm_* variables for scripts it runs; they would make the inner npm act on this workspace.
const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')));

/** Runs a command; a failure reports what the command printed (tsc prints its errors to stdout). */
async function sh(command: string, args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run(command, args, { cwd, env, timeout: 100_000, maxBuffer: 16 * 1024 * 1024 });
    return stdout;
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed:\n${stdout}${stderr}`, { cause: error });
  }
}

const consumer = `
import {
  CloseCode,
  FATAL_CLOSE_CODES,
  MAX_CONTENT_LENGTH,
  clientEvent,
  parseClientEvent,
  parseServerEvent,
  serverEvent,
  type ClientEventOf,
  type ErrorCode,
  type Message,
  type ServerEvent,
  type ServerPayload,
} from '@hearth/protocol';
import schema from '@hearth/protocol/schema.json' with { type: 'json' };

function describeEvent(event: ServerEvent): string {
  switch (event.type) {
    case 'auth_ok': return 'auth_ok ' + event.payload.user.nickname;
    case 'auth_error': return 'auth_error ' + event.payload.code;
    case 'message': return 'message ' + event.payload.id + ' ' + event.payload.content;
    case 'user_online': return 'user_online ' + event.payload.users.map((u) => u.id).join(',');
    case 'user_offline': return 'user_offline ' + event.payload.user_ids.join(',');
    case 'conversation_created': return 'conversation_created ' + event.payload.conversation.type;
    case 'history': return 'history ' + event.payload.messages.length;
    case 'caught_up': return 'caught_up ' + event.payload.has_more;
    case 'invite_created': return 'invite_created ' + event.payload.url;
    case 'error': return 'error ' + event.payload.code;
    case 'pong': return 'pong';
    default: {
      const unhandled: never = event;
      return unhandled;
    }
  }
}

const sent = parseClientEvent('{"type":"send_message","payload":{"conversation_id":1,"content":"  hi  ","client_id":"c"},"id":"r1"}');
if (sent.ok && sent.event.type === 'send_message') {
  const event: ClientEventOf<'send_message'> = sent.event;
  console.log('client ' + event.type + ' ' + JSON.stringify(event.payload.content) + ' ' + event.id);
}

const refused = parseClientEvent('not json');
const code: ErrorCode | undefined = refused.ok ? undefined : refused.error.code;
console.log('refused ' + code);

const message: Message = { id: 7, conversation_id: 1, user_id: 2, content: 'hello', client_id: 'c', created_at: 0 };
const payload: ServerPayload<'history'> = { conversation_id: 1, messages: [message], has_more: false };
for (const built of [serverEvent('message', message, 'r2'), serverEvent('history', payload)]) {
  const parsed = parseServerEvent(JSON.stringify(built));
  console.log(parsed.ok ? describeEvent(parsed.event) : 'server refused ' + parsed.error.code);
}

// @ts-expect-error user_offline carries user_ids
serverEvent('user_offline', { user_id: 2 });
console.log('ping ' + JSON.stringify(clientEvent('ping', {}, 'p')));
console.log('limits ' + MAX_CONTENT_LENGTH + ' ' + FATAL_CLOSE_CODES.includes(CloseCode.AuthFailed));
console.log('schema ' + ('ServerEvent' in schema.$defs));
`;

const tsconfig = {
  compilerOptions: {
    target: 'ES2022',
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    lib: ['ES2022', 'DOM'],
    types: [],
    strict: true,
    resolveJsonModule: true,
    outDir: 'out',
  },
  include: ['consumer.ts'],
};

describe('the packed package', () => {
  const work = mkdtemp(join(tmpdir(), 'hearth-protocol-pack-'));
  afterAll(async () => rm(await work, { recursive: true, force: true }));

  it('installs from its tarball and type-checks and runs in a strict NodeNext project', { timeout: 120_000 }, async () => {
    expect(existsSync(join(packageDir, 'dist/index.js')), 'dist/ is missing: build the package first').toBe(true);
    const dir = await work;

    const [packed] = JSON.parse(await sh('npm', ['pack', '--json', '--pack-destination', dir], packageDir)) as {
      filename: string;
      files: { path: string }[];
    }[];
    const files = packed!.files.map((f) => f.path);
    expect(files).toEqual(expect.arrayContaining(['package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/protocol.schema.json']));
    expect(files.filter((f) => !f.startsWith('dist/') && f !== 'package.json' && f !== 'README.md')).toEqual([]);

    const project = join(dir, 'consumer');
    await mkdir(project);
    await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    await writeFile(join(project, 'tsconfig.json'), JSON.stringify(tsconfig));
    await writeFile(join(project, 'consumer.ts'), consumer);
    await sh('npm', ['install', '--no-audit', '--no-fund', join(dir, packed!.filename), 'typescript@5.9.3'], project);

    await sh(process.execPath, [join(project, 'node_modules/typescript/bin/tsc'), '-p', project], project);
    const output = await sh(process.execPath, ['--no-warnings', join(project, 'out/consumer.js')], project);
    expect(output.trim().split('\n')).toEqual([
      'client send_message "hi" r1',
      'refused invalid_json',
      'message 7 hello',
      'history 1',
      'ping {"type":"ping","payload":{},"id":"p"}',
      'limits 4000 true',
      'schema true',
    ]);
  });
});
