import type { User } from '@hearth/protocol';
import type { TestDatabase } from '../../support/database.js';
import { Peer, redeem } from '../../support/harness.js';
import { spawnServer, type ServerProcess } from '../../support/process.js';

export interface Running {
  proc: ServerProcess;
  url: string;
  wsUrl: string;
}

const started = new Set<ServerProcess>();

/** Kills any server a failed test left running. */
export function killLeftovers(): void {
  for (const proc of started) if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill('SIGKILL');
  started.clear();
}

/** Starts the built server on a test database, as an operator would, and waits until it listens. */
export async function runServer(db: TestDatabase, extra: string[] = []): Promise<Running> {
  // Senders here test durability, not limits: they may send faster than one person does.
  const proc = spawnServer(['--port', '0', ...db.args, '--sends-per-second-per-user', '1000', '--send-burst-per-user', '1000', ...extra]);
  started.add(proc);
  const [, port] = await proc.waitFor(/running at http:\/\/localhost:(\d+)/);
  const url = `http://127.0.0.1:${port}`;
  return { proc, url, wsUrl: `${url.replace(/^http/, 'ws')}/ws` };
}

/** Joins the first user through the start-up invite and the rest through invites the first one makes. */
export async function joinAll(server: Running, nicknames: string[]): Promise<Array<{ user: User; token: string }>> {
  const [, firstUrl] = await server.proc.waitFor(/Invite: (\S+)/);
  const first = await redeem(server.url, firstUrl!.split('/join/')[1]!, nicknames[0]!);
  const joined = [first.body as { user: User; token: string }];
  const inviter = await Peer.signIn(server.wsUrl, joined[0]!.token);
  for (const nickname of nicknames.slice(1)) {
    const invite = await inviter.request('create_invite', {});
    if (invite.type !== 'invite_created') throw new Error(invite.type);
    joined.push((await redeem(server.url, invite.payload.code, nickname)).body);
  }
  await inviter.close();
  return joined;
}

export interface StoredMessage {
  id: number;
  conversation_id: number;
  user_id: number;
  client_id: string;
  content: string;
}

/** Every message in the database, read directly, oldest first. */
export function storedMessages(db: TestDatabase): Promise<StoredMessage[]> {
  return db.all<StoredMessage>('SELECT id, conversation_id, user_id, client_id, content FROM messages ORDER BY id');
}
