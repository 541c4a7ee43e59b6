#!/usr/bin/env node
// Gives a bot its identity: redeems an invite under the bot's nickname and prints the token it signs in with.
import { chmodSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ChatError } from './errors.js';
import { redeemInvite } from './invites.js';

const USAGE = `Usage: npm run bot -- --invite <invite link> --nickname <name> [--out <file>]

Redeems an invite for a bot and prints its token on stdout. The token is the bot's password: keep it secret.

  --invite URL     an invite link, e.g. http://localhost:3000/join/AbC123 (make one with: npm run invite)
  --nickname NAME  the bot's nickname
  --out FILE       also write the token to FILE, readable by its owner only
  -h, --help       show this help
`;

const OPTIONS = {
  invite: { type: 'string' },
  nickname: { type: 'string' },
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function main(argv: string[]): Promise<number> {
  let values: ReturnType<typeof parseArgs<{ args: string[]; options: typeof OPTIONS }>>['values'];
  try {
    ({ values } = parseArgs({ args: argv, options: OPTIONS }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (values.invite === undefined || values.nickname === undefined) {
    process.stderr.write(USAGE);
    return 2;
  }
  try {
    const { user, token } = await redeemInvite(values.invite, values.nickname);
    if (values.out !== undefined) saveToken(values.out, token);
    process.stderr.write(`Joined as ${user.nickname} (user ${user.id}).\n`);
    process.stdout.write(`${token}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof ChatError)) throw error;
    process.stderr.write(`Could not join: ${error.message} (${error.code})\n`);
    return 1;
  }
}

function saveToken(path: string, token: string): void {
  writeFileSync(path, `${token}\n`, { mode: 0o600 });
  // The mode above applies only to a new file; an existing one is narrowed too.
  chmodSync(path, 0o600);
}

process.exitCode = await main(process.argv.slice(2));
