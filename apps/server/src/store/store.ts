import { Accounts } from './accounts.js';
import { Bots } from './bots.js';
import { Webhooks } from './webhooks.js';
import { BotEndpoints } from './bot-endpoints.js';
import { ChangeLog } from './change-log.js';
import { Consumers } from './consumers.js';
import { Conversations } from './conversations.js';
import { Files } from './files.js';
import type { Database, Queries } from './database.js';
import { MemberStates } from './member-states.js';
import { Messages } from './messages.js';
import { Push } from './push.js';
import { Search } from './search.js';
import { Servers } from './servers.js';
import { Sessions } from './sessions.js';

/**
 * Everything the server keeps, a facet for each kind of thing. The domain reaches the database only through these,
 * and each facet's transactions are written once, against `Database`: another SQL dialect is another `Database`
 * with its own SQL where SQL differs (dialect.ts), not a change to any facet.
 *
 * Every write that a client must learn appends a change to the log in the same transaction and returns it; the
 * caller hands it to the publisher. Seqs are assigned by the log, strictly increasing, and returned in the order
 * they were assigned.
 */
export class Store {
  readonly log: ChangeLog;
  readonly accounts: Accounts;
  readonly bots: Bots;
  readonly webhooks: Webhooks;
  readonly botEndpoints: BotEndpoints;
  readonly sessions: Sessions;
  readonly conversations: Conversations;
  readonly messages: Messages;
  readonly memberStates: MemberStates;
  readonly search: Search;
  readonly push: Push;
  readonly consumers: Consumers;
  readonly files: Files;
  readonly servers: Servers;

  private constructor(private readonly db: Database) {
    this.log = new ChangeLog(db);
    this.accounts = new Accounts(db, this.log);
    this.bots = new Bots(this.log);
    this.webhooks = new Webhooks(db);
    this.botEndpoints = new BotEndpoints(db);
    this.sessions = new Sessions(db);
    this.conversations = new Conversations(db, this.log);
    this.messages = new Messages(db, this.log);
    this.memberStates = new MemberStates(db, this.log);
    this.search = new Search(db);
    this.push = new Push(db);
    this.consumers = new Consumers(db);
    this.files = new Files(db);
    this.servers = new Servers(db);
  }

  /** The store over an open database, with where its log and messages stand read. */
  static async over(db: Database): Promise<Store> {
    const store = new Store(db);
    await store.log.load();
    await store.messages.load();
    return store;
  }

  /** Runs a transaction that appends no change, beside the log's writers where the dialect can: a consumer's work with its cursor. */
  aside<T>(work: (queries: Queries) => Promise<T>): Promise<T> {
    return this.db.aside(work);
  }

  get dialect(): Database['dialect'] {
    return this.db.dialect;
  }

  /** Once the transactions queued are done; closing again does nothing more. */
  close(): Promise<void> {
    return this.db.close();
  }
}

export type * from './types.js';
