import type { Message, Role, SearchTerms } from '@hearth/protocol';
import type {
  AccountChange,
  InviteRow,
  MemberRow,
  NewInvite,
  NewSignInLink,
  SessionRow,
  SignedIn,
  SignInLinkRow,
  UseSignInLink,
  UseSignInLinkOutcome,
  AppendedMessage,
  AppendRefusal,
  MessageDecision,
  MessageUpdate,
  ChangeRecord,
  CreatedConversation,
  DirectorySnapshot,
  InviteStatus,
  LogBounds,
  LoggedChange,
  MemberSettings,
  MemberStateUpdate,
  NewConversation,
  NewMessage,
  Redeem,
  RedeemOutcome,
  Rename,
  RenameOutcome,
  SearchFilter,
  PushSubscriptionRow,
  PushTarget,
  Store,
  StoredMemberState,
} from '../store.js';
import { Accounts } from './accounts.js';
import { ChangeLog } from './change-log.js';
import { ConversationRows } from './conversations.js';
import { GroupRows } from './groups.js';
import { MemberStateRows } from './member-states.js';
import { PushRows } from './push.js';
import { MessageRows } from './messages.js';
import { openDatabase, type Db } from './open.js';
import { SearchRows } from './search.js';
import { SessionRows } from './sessions.js';

/**
 * The Store over one SQLite file through better-sqlite3. Its calls run synchronously and return settled promises:
 * SQLite in one process needs no more, and the callers are written for a driver that does.
 */
export class SqliteStore implements Store {
  private readonly accounts: Accounts;
  private readonly sessions: SessionRows;
  private readonly conversations: ConversationRows;
  private readonly groups: GroupRows;
  private readonly messages: MessageRows;
  private readonly memberRows: MemberStateRows;
  private readonly push: PushRows;
  private readonly searchRows: SearchRows;
  private readonly log: ChangeLog;
  private readonly appendInOneTransaction;
  private readonly updateInOneTransaction;
  /** The newest stored message id, kept here so signing in costs no scan of a long history. */
  private newestMessage: number;

  constructor(private readonly db: Db) {
    this.log = new ChangeLog(db);
    this.sessions = new SessionRows(db);
    this.accounts = new Accounts(db, this.log, this.sessions);
    this.conversations = new ConversationRows(db, this.log);
    this.groups = new GroupRows(db, this.log);
    this.messages = new MessageRows(db);
    this.memberRows = new MemberStateRows(db, this.log);
    this.push = new PushRows(db);
    this.searchRows = new SearchRows(db);
    this.appendInOneTransaction = db.$client.transaction((batch: readonly NewMessage[]) => this.appendNow(batch));
    this.updateInOneTransaction = db.$client.transaction(
      (id: number, decide: (message: Message) => MessageDecision<unknown>, at: number) => this.updateNow(id, decide, at),
    );
    this.newestMessage = this.messages.newestId();
  }

  static open(path: string, synchronous: 'NORMAL' | 'FULL' = 'FULL'): SqliteStore {
    return new SqliteStore(openDatabase(path, synchronous));
  }

  async loadDirectory(): Promise<DirectorySnapshot> {
    return this.conversations.snapshot();
  }

  async ensureLobby(createdAt: number): Promise<number> {
    return this.conversations.ensureLobby(createdAt);
  }

  async sessionByTokenHash(tokenHash: string): Promise<SignedIn | undefined> {
    return this.sessions.byTokenHash(tokenHash);
  }

  async sessionsOf(userId: number): Promise<SessionRow[]> {
    return this.sessions.of(userId);
  }

  async deleteSessions(userId: number, which: { only: number } | { except: number }): Promise<number[]> {
    return this.sessions.delete(userId, which);
  }

  async touchSessions(ids: readonly number[], at: number): Promise<void> {
    this.sessions.touch(ids, at);
  }

  async createSignInLink(link: NewSignInLink): Promise<void> {
    this.sessions.createLink(link);
  }

  async signInLink(codeHash: string): Promise<SignInLinkRow | undefined> {
    return this.sessions.linkByCode(codeHash);
  }

  async useSignInLink(use: UseSignInLink): Promise<UseSignInLinkOutcome> {
    return this.sessions.use(use);
  }

  async setRole(userId: number, role: Role | null, at: number): Promise<AccountChange> {
    const outcome = this.writing(() => this.accounts.setRole(userId, role, at));
    return outcome === 'missing' ? outcome : this.committed(outcome);
  }

  async setDeactivated(userId: number, deactivated: boolean, at: number): Promise<AccountChange & { revoked?: number[] }> {
    const outcome = this.writing(() => this.accounts.setDeactivated(userId, deactivated, at));
    return outcome === 'missing' ? outcome : this.committed(outcome);
  }

  async members(): Promise<MemberRow[]> {
    return this.accounts.members();
  }

  async rekeyNicknames(keyOf: (nickname: string) => string): Promise<number> {
    return this.accounts.rekeyNicknames(keyOf);
  }

  async createInvite(invite: NewInvite): Promise<void> {
    this.accounts.createInvite(invite);
  }

  async inviteStatus(code: string, now: number): Promise<InviteStatus> {
    return this.accounts.inviteStatus(code, now);
  }

  async invites(limit: number): Promise<InviteRow[]> {
    return this.accounts.invites(limit);
  }

  async revokeInvite(code: string, at: number): Promise<boolean> {
    return this.accounts.revokeInvite(code, at);
  }

  async unusedFirstInvite(): Promise<string | undefined> {
    return this.accounts.unusedFirstInvite();
  }

  async renameUser(rename: Rename): Promise<RenameOutcome> {
    const outcome = this.writing(() => this.accounts.rename(rename));
    return outcome.ok ? this.committed(outcome) : outcome;
  }

  async redeemInvite(redeem: Redeem): Promise<RedeemOutcome> {
    const outcome = this.writing(() => this.accounts.redeem(redeem));
    if (outcome.ok) this.log.committed(outcome.change.seq);
    return outcome;
  }

  async createConversation(conversation: NewConversation): Promise<CreatedConversation> {
    return this.committed(this.writing(() => this.conversations.create(conversation)));
  }

  async renameGroup(conversationId: number, title: string | null, at: number): Promise<ChangeRecord[]> {
    return this.committedAll(this.writing(() => this.groups.rename(conversationId, title, at)));
  }

  async addMembers(conversationId: number, userIds: readonly number[], at: number): Promise<ChangeRecord[]> {
    return this.committedAll(this.writing(() => this.groups.add(conversationId, userIds, at)));
  }

  async removeMember(conversationId: number, userId: number, at: number): Promise<ChangeRecord[]> {
    return this.committedAll(this.writing(() => this.groups.remove(conversationId, userId, at)));
  }

  async appendMessages(batch: readonly NewMessage[]): Promise<AppendedMessage[]> {
    const appended = this.writing(() => this.appendInOneTransaction(batch));
    for (const outcome of appended) {
      // Moved only once committed: a rolled-back id is handed out again.
      if (outcome.change === undefined) continue;
      this.newestMessage = outcome.message.id;
      this.log.committed(outcome.change.seq);
    }
    return appended;
  }

  async messagesBefore(conversationId: number, before: number, limit: number): Promise<Message[]> {
    return this.messages.newestBefore(conversationId, before, limit);
  }

  async messagesAfter(conversationId: number, after: number, limit: number): Promise<Message[]> {
    return this.messages.oldestAfter(conversationId, after, limit);
  }

  async updateMessage<R>(messageId: number, decide: (message: Message) => MessageDecision<R>, at: number): Promise<MessageUpdate<R>> {
    const outcome = this.writing(() => this.updateInOneTransaction(messageId, decide, at)) as MessageUpdate<R>;
    if (typeof outcome === 'object' && 'change' in outcome && outcome.change !== undefined) {
      this.log.committed(outcome.change.seq);
      // secure_delete zeroed the old content in the database pages; the write-ahead log still holds copies of them.
      if (outcome.message.deleted === true) this.db.$client.pragma('wal_checkpoint(TRUNCATE)');
    }
    return outcome;
  }

  async newestMessageId(): Promise<number> {
    return this.newestMessage;
  }

  async searchMessages(userId: number, terms: SearchTerms, filter: SearchFilter): Promise<Message[]> {
    return this.searchRows.find(userId, terms, filter);
  }

  async memberStates(userId: number, upTo: number): Promise<StoredMemberState[]> {
    return this.memberRows.statesOf(userId, upTo);
  }

  async updateMemberState(
    userId: number,
    conversationId: number,
    decide: (state: MemberSettings) => MemberSettings | 'unchanged',
    at: number,
  ): Promise<MemberStateUpdate> {
    const outcome = this.writing(() => this.memberRows.update(userId, conversationId, decide, at));
    return outcome === 'missing' ? outcome : this.committed(outcome);
  }

  async setting(name: string, make: () => string): Promise<string> {
    return this.push.setting(name, make);
  }

  async putSetting(name: string, value: string): Promise<void> {
    this.push.putSetting(name, value);
  }

  async savePushSubscription(subscription: PushSubscriptionRow, keep: number): Promise<void> {
    this.db.$client.transaction(() => this.push.save(subscription, keep))();
  }

  async deletePushSubscription(endpoint: string, userId?: number): Promise<boolean> {
    return this.push.delete(endpoint, userId);
  }

  async pushSubscribers(): Promise<number[]> {
    return this.push.subscriberIds();
  }

  async pushTargets(conversationId: number, userIds: readonly number[]): Promise<PushTarget[]> {
    return this.push.targets(conversationId, userIds);
  }

  async changesFor(userId: number, after: number, upTo: number, limit: number): Promise<LoggedChange[]> {
    return this.log.changesFor(userId, after, upTo, limit);
  }

  async changesBetween(after: number, upTo: number, limit: number): Promise<LoggedChange[]> {
    return this.log.changesBetween(after, upTo, limit);
  }

  async logBounds(): Promise<LogBounds> {
    return this.log.bounds();
  }

  async trimLog(createdBefore: number, keepRows: number): Promise<number> {
    return this.log.trim(createdBefore, keepRows);
  }

  async close(): Promise<void> {
    this.db.$client.close();
  }

  private updateNow(id: number, decide: (message: Message) => MessageDecision<unknown>, at: number): MessageUpdate<unknown> {
    const current = this.messages.get(id);
    if (current === undefined) return 'missing';
    const decision = decide(current);
    if (decision === 'unchanged') return { message: current };
    if ('refused' in decision) return decision;
    this.messages.write(id, decision.state);
    const message = this.messages.get(id)!;
    return { message, change: this.log.append('message_updated', message.conversation_id, id, at) };
  }

  private appendNow(batch: readonly NewMessage[]): AppendedMessage[] {
    return batch.map((input) => this.appendOne(input));
  }

  /**
   * One message of a batch. A row the database refuses (its sender or conversation deleted from under the server)
   * fails alone: SQLite backs out only the refused statement and the transaction goes on, so the others commit and
   * no savepoint per row is needed. Its change is appended only once its row is in, so a refused row moves no
   * stream tip. Any other failure, or a refusal that ended the transaction (RAISE(ROLLBACK)), throws, and the whole
   * batch rolls back as before: going on would store the rest outside any transaction.
   */
  private appendOne(input: NewMessage): AppendedMessage {
    let inserted: Message | AppendRefusal | undefined;
    try {
      inserted = this.messages.insert(input);
    } catch (error) {
      if (!isConstraintError(error) || !this.db.$client.inTransaction) throw error;
      return { refused: this.messages.whyRefused(input) };
    }
    // A retry, perhaps of a send earlier in this same batch: its row is visible inside the transaction. A retry
    // is answered with what was stored even when its reply target has been deleted since.
    if (inserted === undefined || typeof inserted === 'string') {
      const stored = this.messages.stored(input.userId, input.clientId);
      if (stored !== undefined) return { message: stored };
      return { refused: inserted ?? 'constraint' };
    }
    return { message: inserted, change: this.log.append('message', inserted.conversation_id, inserted.id, inserted.created_at) };
  }

  /** Runs a write transaction; if it rolls back, the change log forgets what it appended. */
  private writing<T>(transaction: () => T): T {
    try {
      return transaction();
    } catch (error) {
      this.log.rolledBack();
      throw error;
    }
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

/** SQLITE_CONSTRAINT and its extended codes (SQLITE_CONSTRAINT_FOREIGNKEY, …): the row, not the database, is at fault. */
function isConstraintError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT');
}
