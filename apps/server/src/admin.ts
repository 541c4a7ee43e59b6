// Operator commands: administration without a browser, e.g. for an owner who lost every device.
// `npm run admin -- <command> [nickname] [server options]`.
import { checkNickname, CloseCode, nicknameKey } from '@hearth/protocol';
import { accountDeactivated, LocalBus, type Bus } from './bus/bus.js';
import { configFromArgs, defaults, type Config } from './config.js';
import { Links, publicBase } from './links.js';
import { stamped } from './domain/changes.js';
import { Directory } from './domain/directory.js';
import { Sessions } from './domain/sessions.js';
import { BOT_KEY_LABEL } from './domain/bots.js';
import { hashToken, newToken, nowSeconds } from './domain/tokens.js';
import { createLogger } from './log.js';
import { exitExplaining, StartError } from './start-error.js';
import { openStore } from './store/open-store.js';
import type { AccountChange, MemberRow, Store } from './store/store.js';

const USAGE = `Usage: npm run admin -- <command> [nickname] [server options, e.g. --db PATH --port N]

  members               everyone, with role, status and last activity
  sign-in-link NAME     a one-time link (10 minutes) that signs a device in as NAME: account recovery
  deactivate NAME       NAME can no longer sign in; their devices are signed out
  reactivate NAME       NAME may sign in again, with a sign-in link
  make-admin NAME       NAME becomes an admin
  remove-admin NAME     NAME becomes a member again
  make-owner NAME       NAME becomes the owner; the owner until now becomes an admin
  create-bot NAME       a bot account called NAME, and its key (shown once): for scripts and the HTTP API
  bot-key NAME          a new key for the bot NAME; its old key stops working

members and sign-in-link work while the server runs. The others change what every client is told, so every server
on the database must be stopped first, whatever its port (after a crash, wait 15 seconds); in the web app, admins
do them live. Servers on PostgreSQL with a bus (--database and --bus,
as they were started) need not stop: the command tells them over the bus.
`;

/** Commands that append to the change log, which on SQLite only one process may do at a time. */
const OFFLINE = new Set(['deactivate', 'reactivate', 'make-admin', 'remove-admin', 'make-owner', 'create-bot', 'bot-key']);
const ALL = new Set(['members', 'sign-in-link', ...OFFLINE]);

const [command, ...args] = process.argv.slice(2);
const name = args[0]?.startsWith('-') === false ? args[0] : undefined;
const options = command === undefined || !ALL.has(command) ? null : configFromArgs(name === undefined ? args : args.slice(1), process.env);
if (options === null || command === undefined || (command !== 'members' && name === undefined)) {
  process.stdout.write(USAGE);
  process.exitCode = command === '--help' || command === '-h' ? 0 : 2;
} else {
  const config: Config = { ...defaults, ...options };
  const links = new Links(publicBase(config, config.port));
  // On PostgreSQL every append takes the change log's advisory lock, and with a bus the running servers hear what
  // was appended as they hear each other. Otherwise a running server would not know of it, nor number after it.
  const inCluster = config.database !== '' && config.bus !== '';
  const bus = OFFLINE.has(command) && inCluster ? await joinBus(config) : new LocalBus();
  if (bus !== undefined) {
    const store = await openStore(config).catch(exitExplaining);
    try {
      // Asked of the database, not of a port: a server started on another port, or behind another address, holds
      // its row in `servers` all the same.
      if (OFFLINE.has(command) && !inCluster && (await store.servers.live(Date.now())).length > 0) {
        fail('A server is running on this database. Stop it first, or ask an admin to do this in the web app.');
      } else {
        await run(store, bus, command, name ?? '', links);
      }
    } finally {
      await store.close();
      await bus.close();
    }
  }
}

/**
 * The bus the servers meet on, to tell them what the command changes; undefined, with the reason told, when Redis
 * cannot be reached: nothing is changed then, as the servers could not be told.
 */
async function joinBus(config: Config): Promise<Bus | undefined> {
  const { RedisBus } = await import('./bus/redis-bus.js');
  try {
    return await RedisBus.connect(config.bus, config.heartbeatMs, createLogger(config.logLevel));
  } catch (error) {
    if (!(error instanceof StartError)) throw error;
    fail(`${error.message}\nNothing was changed.`);
    return undefined;
  }
}

async function run(store: Store, bus: Bus, command: string, name: string, links: Links): Promise<void> {
  const members = await store.accounts.members();
  if (command === 'members') return void process.stdout.write(membersTable(members));
  if (command === 'create-bot') return createBot(store, bus, name);
  const member = members.find((m) => nicknameKey(m.user.nickname) === nicknameKey(name));
  if (member === undefined) return fail(`Nobody is called ${name}. \`npm run admin -- members\` lists everyone.`);
  const { id, nickname } = member.user;
  const at = nowSeconds();
  switch (command) {
    case 'sign-in-link': {
      const directory = new Directory();
      directory.load(await store.conversations.snapshot());
      const link = await new Sessions(store, directory).makeLink(null, id);
      if (!link.ok) return fail(link.error.message);
      return say(`Open this link on ${nickname}'s device within 10 minutes; it works once:\n${links.signIn(link.value.code)}`);
    }
    case 'deactivate':
      announce(bus, await store.accounts.setDeactivated(id, true, at));
      // Sent even when the account was deactivated already: running the command again closes what a lost signal
      // left open.
      bus.signal(accountDeactivated(id));
      return say(`${nickname} is deactivated and signed out everywhere.`);
    case 'reactivate':
      announce(bus, await store.accounts.setDeactivated(id, false, at));
      return say(`${nickname} may sign in again: make them a sign-in link.`);
    case 'make-admin':
    case 'remove-admin':
      if (member.user.role === 'owner') return fail(`${nickname} is the owner; make someone else the owner first.`);
      announce(bus, await store.accounts.setRole(id, command === 'make-admin' ? 'admin' : null, at));
      return say(`${nickname} is ${command === 'make-admin' ? 'an admin' : 'a member'} now.`);
    case 'bot-key': {
      const token = newToken();
      const rotated = await store.bots.rotateKey(id, { tokenHash: hashToken(token), label: BOT_KEY_LABEL }, at);
      if (!rotated.ok) return fail(rotated.reason === 'not_a_bot' ? `${nickname} is not a bot.` : `${nickname} was deleted: reactivate it first.`);
      if (rotated.revoked.length > 0) bus.signal({ type: 'close', user_id: id, session_ids: rotated.revoked, code: CloseCode.SessionRevoked, reason: 'signed out' });
      return say(`${nickname}'s new key (its old one no longer works; this is shown once):\n${token}`);
    }
    case 'make-owner': {
      for (const other of members) if (other.user.role === 'owner' && other.user.id !== id) announce(bus, await store.accounts.setRole(other.user.id, 'admin', at));
      announce(bus, await store.accounts.setRole(id, 'owner', at));
      return say(`${nickname} is the owner now.`);
    }
  }
}

/** A bot account and its key, told to running servers as any newcomer is. */
async function createBot(store: Store, bus: Bus, name: string): Promise<void> {
  const checked = checkNickname(name);
  if (!checked.ok) return fail(checked.message);
  const token = newToken();
  const lobby = (await store.conversations.snapshot()).conversations.find((c) => c.type === 'lobby');
  if (lobby === undefined) return fail('This chat has no lobby yet: start the server once first.');
  const made = await store.bots.create({
    nickname: checked.nickname,
    nicknameKey: nicknameKey(checked.nickname),
    tokenHash: hashToken(token),
    label: BOT_KEY_LABEL,
    lobbyId: lobby.id,
    at: nowSeconds(),
  });
  if (!made.ok) return fail(`The nickname "${checked.nickname}" is taken.`);
  bus.publishChange(JSON.stringify(stamped(made.change, 'user_joined', { user: made.user })));
  say(`${made.user.nickname} is a bot now. Its key (shown once; send it as Authorization: Bearer <key>):\n${token}`);
}

/**
 * Tells the running servers of a change the command committed, as the server that commits one does: each delivers it
 * in seq order, and one that misses it finds it in the log. With no bus there is no running server to tell.
 */
function announce(bus: Bus, outcome: AccountChange): void {
  if (outcome === 'missing' || outcome.change === undefined) return;
  bus.publishChange(JSON.stringify(stamped(outcome.change, 'user_updated', { user: outcome.user })));
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

function say(text: string): void {
  process.stdout.write(`${text}\n`);
}

function fail(text: string): void {
  process.stderr.write(`${text}\n`);
  process.exitCode = 1;
}
