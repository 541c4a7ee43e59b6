// Operator commands: administration without a browser, e.g. for an owner who lost every device.
// `npm run admin -- <command> [nickname] [server options]`.
import { nicknameKey } from '@hearth/protocol';
import { configFromArgs, defaults, type Config } from './config.js';
import { signInUrl } from './context.js';
import { Directory } from './domain/directory.js';
import { Sessions } from './domain/sessions.js';
import { nowSeconds } from './domain/tokens.js';
import type { MemberRow, Store } from './store/store.js';
import { openStore } from './store/open-store.js';

const USAGE = `Usage: npm run admin -- <command> [nickname] [server options, e.g. --db PATH --port N]

  members               everyone, with role, status and last activity
  sign-in-link NAME     a one-time link (10 minutes) that signs a device in as NAME: account recovery
  deactivate NAME       NAME can no longer sign in; their devices are signed out
  reactivate NAME       NAME may sign in again, with a sign-in link
  make-admin NAME       NAME becomes an admin
  remove-admin NAME     NAME becomes a member again
  make-owner NAME       NAME becomes the owner; the owner until now becomes an admin

members and sign-in-link work while the server runs. The others change what every client is told, so the server
must be stopped first; in the web app, admins do them live.
`;

/** Commands that append to the change log, which only one process may do at a time. */
const OFFLINE = new Set(['deactivate', 'reactivate', 'make-admin', 'remove-admin', 'make-owner']);
const ALL = new Set(['members', 'sign-in-link', ...OFFLINE]);

const [command, ...args] = process.argv.slice(2);
const name = args[0]?.startsWith('-') === false ? args[0] : undefined;
const options = command === undefined || !ALL.has(command) ? null : configFromArgs(name === undefined ? args : args.slice(1), process.env);
if (options === null || command === undefined || (command !== 'members' && name === undefined)) {
  process.stdout.write(USAGE);
  process.exitCode = command === '--help' || command === '-h' ? 0 : 2;
} else {
  const config: Config = { ...defaults, ...options };
  const publicUrl = (config.publicUrl || `http://localhost:${config.port}`).replace(/\/+$/, '');
  if (OFFLINE.has(command) && (await serverAnswers(config))) {
    fail(`The server at port ${config.port} is running. Stop it first, or ask an admin to do this in the web app.`);
  } else {
    const store = await openStore(config);
    try {
      await run(store, command, name ?? '', publicUrl);
    } finally {
      await store.close();
    }
  }
}

async function run(store: Store, command: string, name: string, publicUrl: string): Promise<void> {
  const members = await store.members();
  if (command === 'members') return void process.stdout.write(membersTable(members));
  const member = members.find((m) => nicknameKey(m.user.nickname) === nicknameKey(name));
  if (member === undefined) return fail(`Nobody is called ${name}. \`npm run admin -- members\` lists everyone.`);
  const { id, nickname } = member.user;
  const at = nowSeconds();
  switch (command) {
    case 'sign-in-link': {
      const directory = new Directory();
      directory.load(await store.loadDirectory());
      const link = await new Sessions(store, directory).makeLink(null, id);
      if (!link.ok) return fail(link.error.message);
      return say(`Open this link on ${nickname}'s device within 10 minutes; it works once:\n${signInUrl({ publicUrl }, link.value.code)}`);
    }
    case 'deactivate':
      await store.setDeactivated(id, true, at);
      return say(`${nickname} is deactivated and signed out everywhere.`);
    case 'reactivate':
      await store.setDeactivated(id, false, at);
      return say(`${nickname} may sign in again: make them a sign-in link.`);
    case 'make-admin':
    case 'remove-admin':
      if (member.user.role === 'owner') return fail(`${nickname} is the owner; make someone else the owner first.`);
      await store.setRole(id, command === 'make-admin' ? 'admin' : null, at);
      return say(`${nickname} is ${command === 'make-admin' ? 'an admin' : 'a member'} now.`);
    case 'make-owner': {
      for (const other of members) if (other.user.role === 'owner' && other.user.id !== id) await store.setRole(other.user.id, 'admin', at);
      await store.setRole(id, 'owner', at);
      return say(`${nickname} is the owner now.`);
    }
  }
}

function membersTable(members: readonly MemberRow[]): string {
  const rows = members.map((m) => [
    String(m.user.id),
    m.user.nickname,
    m.user.role ?? 'member',
    m.user.deactivated === true ? 'deactivated' : 'active',
    m.lastActiveAt === null ? '-' : new Date(m.lastActiveAt * 1000).toISOString().slice(0, 16).replace('T', ' '),
    String(m.sessions),
  ]);
  const table = [['id', 'nickname', 'role', 'status', 'last active (UTC)', 'devices'], ...rows];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => [...row[i]!].length)));
  return table.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n') + '\n';
}

/** Whether a server answers on the configured port, on this machine. */
async function serverAnswers(config: Config): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${config.port}/healthz`, { signal: AbortSignal.timeout(1_000) });
    return response.ok;
  } catch {
    return false;
  }
}

function say(text: string): void {
  process.stdout.write(`${text}\n`);
}

function fail(text: string): void {
  process.stderr.write(`${text}\n`);
  process.exitCode = 1;
}
