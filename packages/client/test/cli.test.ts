import { execFile } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestChat } from './support/chat.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** Runs the built CLI, as `npm run bot` does, and returns how it ended. */
async function bot(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('the bot identity CLI', () => {
  let chat: TestChat;
  beforeAll(async () => {
    chat = await TestChat.start();
  });
  afterAll(async () => {
    await chat.destroy();
  });

  it('redeems an invite, prints the token and writes it to a file only its owner can read', async () => {
    const out = join(chat.dir, 'bot.token');

    const result = await bot('--invite', await chat.server.createInvite(), '--nickname', 'dicebot', '--out', out);

    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/Joined as dicebot \(user \d+\)/);
    const token = result.stdout.trim();
    expect(readFileSync(out, 'utf8')).toBe(`${token}\n`);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const client = chat.client(token);
    await client.connect();
    expect(client.session?.user.nickname).toBe('dicebot');
  });

  it('says why when the server refuses, and exits with 1', async () => {
    const invite = await chat.server.createInvite();
    await bot('--invite', invite, '--nickname', 'first');

    const result = await bot('--invite', invite, '--nickname', 'second');

    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('(invite_used)');
  });

  it('prints the usage and exits with 2 when an option is missing', async () => {
    const result = await bot('--nickname', 'lonely');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: npm run bot -- --invite');
  });
});
