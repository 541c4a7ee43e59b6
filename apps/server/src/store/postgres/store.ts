import type { Message, Role, SearchTerms } from '@hearth/protocol';
import type {
  AccountChange,
  AppendedMessage,
  ChangeRecord,
  CreatedConversation,
  DirectorySnapshot,
  InviteRow,
  InviteStatus,
  LogBounds,
  LoggedChange,
  MemberRow,
  MemberSettings,
  MemberStateUpdate,
  MessageDecision,
  MessageUpdate,
  NewConversation,
  NewInvite,
  NewMessage,
  NewSignInLink,
  PushSubscriptionRow,
  PushTarget,
  Redeem,
  RedeemOutcome,
  Rename,
  RenameOutcome,
  SearchFilter,
  SessionRow,
  SignedIn,
  SignInLinkRow,
  Store,
  StoredMemberState,
  UseSignInLink,
  UseSignInLinkOutcome,
} from '../store.js';
import { Accounts, InviteRaceLost } from './accounts.js';
import { appendMessages } from './append.js';
import { ChangeLog } from './change-log.js';
import { ConversationRows } from './conversations.js';
import { GroupRows } from './groups.js';
import { MemberStateRows } from './member-states.js';
import { messageById, messagesAfter, messagesBefore, newestMessageId, writeMessage } from './messages.js';
import { openPostgres, type Pool } from './open.js';
import * as push from './push.js';
import { searchMessages } from './search.js';
import * as sessions from './sessions.js';
import { Writer, type Tx } from './writer.js';

/**
 * The Store over PostgreSQL through node-postgres. Reads go to a pool of connections; every transaction that
 * appends to the change log goes through the Writer, one at a time on one connection (writer.ts says why).
 * Statements that change one thing and log nothing run on the pool by themselves.
 */
export class PostgresStore implements Store {
  private readonly log = new ChangeLog();
  private readonly accounts = new Accounts(this.log);
  private readonly conversations = new ConversationRows(this.log);
  private readonly groups = new GroupRows(this.log);
  private readonly memberRows = new MemberStateRows(this.log);
  /** The newest stored message id, kept here so signing in costs no query; moved as this process commits. */
  private newestMessage = 0;
  private closed: Promise<void> | undefined;

  private constructor(
    private readonly reads: Pool,
    private readonly writer: Writer,
  ) {}

  /** Connects to the database at `url` (postgres://…) and brings its schema up to date. */
  static async open(url: string): Promise<PostgresStore> {
    const { reads, writes } = await openPostgres(url);
    const store = new PostgresStore(reads, new Writer(writes));
    await store.log.load(reads);
    store.newestMessage = await newestMessageId(reads);
    return store;
  }

  async loadDirectory(): Promise<DirectorySnapshot> {
    return this.conversations.snapshot(this.reads);
  }

  async ensureLobby(createdAt: number): Promise<number> {
    return this.writer.transaction((tx) => this.conversations.ensureLobby(tx, createdAt));
  }

  async sessionByTokenHash(tokenHash: string): Promise<SignedIn | undefined> {
    return sessions.sessionByTokenHash(this.reads, tokenHash);
  }

  async sessionsOf(userId: number): Promise<SessionRow[]> {
    return sessions.sessionsOf(this.reads, userId);
  }

  async deleteSessions(userId: number, which: { only: number } | { except: number }): Promise<number[]> {
    return sessions.deleteSessions(this.reads, userId, which);
  }

  async touchSessions(ids: readonly number[], at: number): Promise<void> {
    await sessions.touchSessions(this.reads, ids, at);
  }

  async createSignInLink(link: NewSignInLink): Promise<void> {
    await sessions.createSignInLink(this.reads, link);
  }

  async signInLink(codeHash: string): Promise<SignInLinkRow | undefined> {
    return sessions.signInLink(this.reads, codeHash);
  }

  async useSignInLink(use: UseSignInLink): Promise<UseSignInLinkOutcome> {
    return this.writer.transaction((tx) => sessions.useSignInLink(tx, use));
  }

  async setRole(userId: number, role: Role | null, at: number): Promise<AccountChange> {
    const outcome = await this.writer.transaction((tx) => this.accounts.setRole(tx, userId, role, at));
    return outcome === 'missing' ? outcome : this.committed(outcome);
  }

  async setDeactivated(userId: number, deactivated: boolean, at: number): Promise<AccountChange & { revoked?: number[] }> {
    const outcome = await this.writer.transaction((tx) => this.accounts.setDeactivated(tx, userId, deactivated, at));
    return outcome === 'missing' ? outcome : this.committed(outcome);
  }

  async members(): Promise<MemberRow[]> {
    return this.accounts.members(this.reads);
  }

  async rekeyNicknames(keyOf: (nickname: string) => string): Promise<number> {
    return this.writer.transaction((tx) => this.accounts.rekeyNicknames(tx, keyOf));
  }

  async createInvite(invite: NewInvite): Promise<void> {
    await this.accounts.createInvite(this.reads, invite);
  }

  async inviteStatus(code: string, now: number): Promise<InviteStatus> {
    return this.accounts.inviteStatus(this.reads, code, now);
  }

  async invites(limit: number): Promise<InviteRow[]> {
    return this.accounts.invites(this.reads, limit);
  }

  async revokeInvite(code: string, at: number): Promise<boolean> {
    return this.accounts.revokeInvite(this.reads, code, at);
  }

  async unusedFirstInvite(): Promise<string | undefined> {
    return this.accounts.unusedFirstInvite(this.reads);
  }

  async renameUser(rename: Rename): Promise<RenameOutcome> {
    const outcome = await this.writer.transaction((tx) => this.accounts.rename(tx, rename));
    return outcome.ok ? this.committed(outcome) : outcome;
  }

  async redeemInvite(redeem: Redeem): Promise<RedeemOutcome> {
    try {
      const outcome = await this.writer.transaction((tx) => this.accounts.redeem(tx, redeem));
      return outcome.ok ? this.committed(outcome) : outcome;
    } catch (error) {
      if (error instanceof InviteRaceLost) return { ok: false, reason: 'invite_used' };
      throw error;
    }
  }

  async createConversation(conversation: NewConversation): Promise<CreatedConversation> {
    return this.committed(await this.writer.transaction((tx) => this.conversations.create(tx, conversation)));
  }

  async renameGroup(conversationId: number, title: string | null, at: number): Promise<ChangeRecord[]> {
    return this.committedAll(await this.writer.transaction((tx) => this.groups.rename(tx, conversationId, title, at)));
  }

  async addMembers(conversationId: number, userIds: readonly number[], at: number): Promise<ChangeRecord[]> {
    return this.committedAll(await this.writer.transaction((tx) => this.groups.add(tx, conversationId, userIds, at)));
  }

  async removeMember(conversationId: number, userId: number, at: number): Promise<ChangeRecord[]> {
    return this.committedAll(await this.writer.transaction((tx) => this.groups.remove(tx, conversationId, userId, at)));
  }

  async appendMessages(batch: readonly NewMessage[]): Promise<AppendedMessage[]> {
    const appended = await appendMessages(this.writer, this.log, batch);
    for (const outcome of appended) {
      // Moved only once committed.
      if (outcome.change === undefined) continue;
      this.newestMessage = Math.max(this.newestMessage, outcome.message.id);
      this.log.committed(outcome.change.seq);
    }
    return appended;
  }

  async messagesBefore(conversationId: number, before: number, limit: number): Promise<Message[]> {
    return messagesBefore(this.reads, conversationId, before, limit);
  }

  async messagesAfter(conversationId: number, after: number, limit: number): Promise<Message[]> {
    return messagesAfter(this.reads, conversationId, after, limit);
  }

  /**
   * A deletion's content is gone from every row a query reads. PostgreSQL keeps the old row version in the table's
   * files until VACUUM reuses its space, and in its write-ahead log and any backup: unlike SQLite's store, this one
   * cannot erase it from the files at once.
   */
  async updateMessage<R>(messageId: number, decide: (message: Message) => MessageDecision<R>, at: number): Promise<MessageUpdate<R>> {
    const outcome = await this.writer.transaction((tx) => this.updateNow(tx, messageId, decide, at));
    return typeof outcome === 'object' && 'message' in outcome ? this.committed(outcome) : outcome;
  }

  async newestMessageId(): Promise<number> {
    return this.newestMessage;
  }

  async searchMessages(userId: number, terms: SearchTerms, filter: SearchFilter): Promise<Message[]> {
    return searchMessages(this.reads, userId, terms, filter);
  }

  async memberStates(userId: number, upTo: number): Promise<StoredMemberState[]> {
    return this.memberRows.statesOf(this.reads, userId, upTo);
  }

  async updateMemberState(
    userId: number,
    conversationId: number,
    decide: (state: MemberSettings) => MemberSettings | 'unchanged',
    at: number,
  ): Promise<MemberStateUpdate> {
    const outcome = await this.writer.transaction((tx) => this.memberRows.update(tx, userId, conversationId, decide, at));
    return outcome === 'missing' ? outcome : this.committed(outcome);
  }

  async setting(name: string, make: () => string): Promise<string> {
    return push.setting(this.reads, name, make);
  }

  async putSetting(name: string, value: string): Promise<void> {
    await push.putSetting(this.reads, name, value);
  }

  async savePushSubscription(subscription: PushSubscriptionRow, keep: number): Promise<void> {
    await this.writer.transaction((tx) => push.savePushSubscription(tx, subscription, keep));
  }

  async deletePushSubscription(endpoint: string, userId?: number): Promise<boolean> {
    return push.deletePushSubscription(this.reads, endpoint, userId);
  }

  async pushSubscribers(): Promise<number[]> {
    return push.pushSubscribers(this.reads);
  }

  async pushTargets(conversationId: number, userIds: readonly number[]): Promise<PushTarget[]> {
    return push.pushTargets(this.reads, conversationId, userIds);
  }

  async changesFor(userId: number, after: number, upTo: number, limit: number): Promise<LoggedChange[]> {
    return this.log.changesFor(this.reads, userId, after, upTo, limit);
  }

  async changesBetween(after: number, upTo: number, limit: number): Promise<LoggedChange[]> {
    return this.log.changesBetween(this.reads, after, upTo, limit);
  }

  async logBounds(): Promise<LogBounds> {
    return this.log.bounds();
  }

  async trimLog(createdBefore: number, keepRows: number): Promise<number> {
    return this.log.trim(this.reads, createdBefore, keepRows);
  }

  /** Once the queued transactions are done; closing again does nothing more, as with SQLite. */
  close(): Promise<void> {
    this.closed ??= this.writer.close().then(() => this.reads.client.end());
    return this.closed;
  }

  private async updateNow<R>(tx: Tx, id: number, decide: (message: Message) => MessageDecision<R>, at: number): Promise<MessageUpdate<R>> {
    const current = await messageById(tx, id);
    if (current === undefined) return 'missing';
    const decision = decide(current);
    if (decision === 'unchanged') return { message: current };
    if ('refused' in decision) return decision;
    await writeMessage(tx, id, decision.state);
    const message = (await messageById(tx, id))!;
    return { message, change: await this.log.append(tx, 'message_updated', message.conversation_id, id, at) };
  }

  private committed<T extends { change?: ChangeRecord }>(outcome: T): T {
    if (outcome.change !== undefined) this.log.committed(outcome.change.seq);
    return outcome;
  }

  private committedAll(changes: ChangeRecord[]): ChangeRecord[] {
    for (const change of changes) this.log.committed(change.seq);
    return changes;
  }
}
