import { CloseCode } from '@hearth/protocol';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { onPostgres } from './support/database.js';
import { eventually, Peer, settle, startTestServer, type TestServer } from './support/harness.js';

// The interleaving is forced with a PostgreSQL table lock, which holds a sign-in between reading its token and
// registering its connection; SQLite has no lock that one reader can wait on while another writes.
describe.skipIf(!onPostgres)('a device signed out while it is signing in', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.destroy());

  it('is closed with 4007 even when the revoke commits between reading its token and registering its connection', async () => {
    const { token } = await server.join('ann');
    // Ann's phone, signed in with the same session, signs the laptop's session out.
    const phone = await Peer.signIn(server.wsUrl, token);
    const sessions = await phone.request('list_sessions', {});
    if (sessions.type !== 'sessions') throw new Error(sessions.type);
    const sessionId = sessions.payload.sessions[0]!.id;

    const locker = new pg.Client({ connectionString: server.db.options.database });
    await locker.connect();
    try {
      // The sign-in reads the member states once the token is read: it waits here, holding nothing.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE conversation_members IN ACCESS EXCLUSIVE MODE');
      const laptop = await Peer.open(server.wsUrl);
      laptop.send('auth', { token }, 'signing-in');
      await eventually(async () => {
        // Its text may still show the query before: a statement waits for its lock while it is being prepared.
        const { rows } = await locker.query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'");
        return rows.length > 0 ? true : undefined;
      }, 'the sign-in to wait on the lock');

      // Signed out now: the laptop's connection is not registered yet, so nothing is there to close.
      expect(await phone.request('revoke_session', { session_id: sessionId })).toMatchObject({ type: 'sessions' });
      expect(await phone.closed).toBe(CloseCode.SessionRevoked);
      await locker.query('COMMIT');

      // The sign-in carries on, registers the connection, reads its session again and finds it gone.
      // Bounded, so that a connection left open fails the test rather than its timeout.
      expect(await Promise.race([laptop.closed, settle(10_000).then(() => 'still open')])).toBe(CloseCode.SessionRevoked);
      expect(laptop.seen('auth_ok')).toHaveLength(1);
    } finally {
      await locker.end();
    }
  });
});
