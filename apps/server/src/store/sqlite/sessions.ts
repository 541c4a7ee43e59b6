import { and, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Db } from './open.js';
import { sessions, signInLinks, users } from './schema.js';
import type { NewSession, NewSignInLink, SessionRow, SignedIn, SignInLinkRow, UseSignInLink, UseSignInLinkOutcome } from '../store.js';
import { toUser, USER_COLUMNS } from './users.js';

const TOUCH_CHUNK = 500;

/** Signed-in devices and one-time sign-in links in SQLite. */
export class SessionRows {
  private readonly byToken;
  private readonly ofUser;
  private readonly insert;
  private readonly link;
  private readonly insertLink;
  private readonly claimLink;
  private readonly deactivated;
  private readonly useInOneTransaction;

  constructor(private readonly db: Db) {
    const p = sql.placeholder;
    this.byToken = db
      .select({ sessionId: sessions.id, ...USER_COLUMNS })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.tokenHash, p('hash')))
      .prepare();
    this.ofUser = db
      .select({ id: sessions.id, label: sessions.label, createdAt: sessions.createdAt, lastUsedAt: sessions.lastUsedAt })
      .from(sessions)
      .where(eq(sessions.userId, p('userId')))
      .orderBy(desc(sessions.lastUsedAt), desc(sessions.id))
      .prepare();
    this.insert = db
      .insert(sessions)
      .values({ userId: p('userId'), tokenHash: p('tokenHash'), label: p('label'), createdAt: p('at'), lastUsedAt: p('at') })
      .returning({ id: sessions.id })
      .prepare();
    this.link = db.select().from(signInLinks).where(eq(signInLinks.codeHash, p('codeHash'))).prepare();
    this.insertLink = db
      .insert(signInLinks)
      .values({ codeHash: p('codeHash'), userId: p('userId'), createdBy: p('createdBy'), createdAt: p('createdAt'), expiresAt: p('expiresAt') })
      .prepare();
    // The guard makes using a link atomic: of two devices racing for one link, one signs in.
    this.claimLink = db
      .update(signInLinks)
      .set({ usedAt: sql`${p('at')}` })
      .where(and(eq(signInLinks.codeHash, p('codeHash')), sql`${signInLinks.usedAt} IS NULL`, sql`${signInLinks.expiresAt} > ${p('at')}`))
      .prepare();
    this.deactivated = db.select({ at: users.deactivatedAt }).from(users).where(eq(users.id, p('userId'))).prepare();
    this.useInOneTransaction = db.$client.transaction((use: UseSignInLink) => this.useNow(use));
  }

  byTokenHash(hash: string): SignedIn | undefined {
    const row = this.byToken.get({ hash });
    return row === undefined ? undefined : { sessionId: row.sessionId, user: toUser(row) };
  }

  of(userId: number): SessionRow[] {
    return this.ofUser.all({ userId });
  }

  /** Makes a session; call inside the transaction that signs the device in. */
  create(userId: number, session: NewSession, at: number): number {
    return this.insert.get({ userId, tokenHash: session.tokenHash, label: session.label, at })!.id;
  }

  delete(userId: number, which: { only: number } | { except: number }): number[] {
    const which_ = 'only' in which ? eq(sessions.id, which.only) : ne(sessions.id, which.except);
    return this.db.delete(sessions).where(and(eq(sessions.userId, userId), which_)).returning({ id: sessions.id }).all().map((row) => row.id);
  }

  /** Deletes all of a user's sessions; call inside the transaction that deactivates them. */
  deleteAll(userId: number): number[] {
    return this.db.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id }).all().map((row) => row.id);
  }

  /** In chunks: a busy server has more sessions connected than one statement may bind. */
  touch(ids: readonly number[], at: number): void {
    for (let i = 0; i < ids.length; i += TOUCH_CHUNK) {
      this.db.update(sessions).set({ lastUsedAt: at }).where(inArray(sessions.id, ids.slice(i, i + TOUCH_CHUNK))).run();
    }
  }

  createLink(link: NewSignInLink): void {
    this.insertLink.run({ ...link });
  }

  linkByCode(codeHash: string): SignInLinkRow | undefined {
    const row = this.link.get({ codeHash });
    return row === undefined ? undefined : { codeHash: row.codeHash, userId: row.userId, createdBy: row.createdBy, createdAt: row.createdAt, expiresAt: row.expiresAt, usedAt: row.usedAt };
  }

  use(use: UseSignInLink): UseSignInLinkOutcome {
    return this.useInOneTransaction.immediate(use);
  }

  private useNow(use: UseSignInLink): UseSignInLinkOutcome {
    const link = this.linkByCode(use.codeHash);
    if (link === undefined) return { ok: false, reason: 'missing' };
    if (this.claimLink.run({ codeHash: use.codeHash, at: use.at }).changes !== 1) return { ok: false, reason: 'expired' };
    // Checked after claiming, so the link is spent either way: a deactivated account's link is not tried again.
    if ((this.deactivated.get({ userId: link.userId })?.at ?? null) !== null) return { ok: false, reason: 'deactivated' };
    const sessionId = this.create(link.userId, use, use.at);
    const user = this.db.select(USER_COLUMNS).from(users).where(eq(users.id, link.userId)).get()!;
    return { ok: true, user: toUser(user), sessionId };
  }
}
