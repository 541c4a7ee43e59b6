import type { Message } from '@hearth/protocol';
import { historyDatabase } from './kept.js';

/** The newest messages kept of each conversation: what a page opened offline shows of it. */
export const KEPT_MESSAGES = 50;
/** Conversations kept in all; past this, the one written longest ago is dropped. */
export const KEPT_CONVERSATIONS = 20;
/** Changes come in bursts (a catch-up, a page of history): one write after they settle. */
const WRITE_DELAY_MS = 500;

const STORE = 'conversations';

interface KeptHistory {
  id: number;
  messages: Message[];
  /** When it was last written (ms since the epoch): the conversations written longest ago go first. */
  kept_at: number;
}

/**
 * The recent messages of recent conversations, kept in IndexedDB so that a page opened without a network shows
 * what was there. Unlike what the person wrote (lib/kept.ts), nothing here is lost for good if a write does not finish
 * before the tab closes: the server has it all, and the next page fetches it. Messages are kept as last shown, edits,
 * deletions and reactions applied, so a deleted message never comes back offline.
 */
export class HistoryCache {
  private db: Promise<IDBDatabase | undefined> | undefined;
  /**
   * Conversations changed since the last write, with how to read their messages when it comes; undefined then
   * leaves what is kept as it was.
   */
  private readonly dirty = new Map<number, () => readonly Message[] | undefined>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Signed out or stopped: nothing more is written, so a deleted database is not made again. */
  private closed = false;

  constructor(private readonly userId: number) {}

  /** The messages kept of a conversation, oldest first; undefined when none are (or IndexedDB is unavailable). */
  async read(conversationId: number): Promise<Message[] | undefined> {
    const db = await this.open();
    if (db === undefined || this.closed) return undefined;
    try {
      return (await request<KeptHistory | undefined>(db.transaction(STORE).objectStore(STORE).get(conversationId)))?.messages;
    } catch {
      return undefined;
    }
  }

  /** Marks a conversation changed; its newest messages are written shortly, once the burst is over. */
  changed(conversationId: number, messages: () => readonly Message[] | undefined): void {
    if (this.closed) return;
    this.dirty.set(conversationId, messages);
    this.timer ??= setTimeout(() => void this.write(), WRITE_DELAY_MS);
  }

  /** Replaces a kept message with how it now is; a message not kept is left alone. */
  async patch(message: Message): Promise<void> {
    await this.change((store) => {
      const read = store.get(message.conversation_id);
      read.onsuccess = () => {
        const kept = read.result as KeptHistory | undefined;
        const index = kept?.messages.findIndex((m) => m.id === message.id) ?? -1;
        if (kept === undefined || index === -1) return;
        kept.messages[index] = message;
        store.put(kept);
      };
    });
  }

  /** Forgets one conversation, e.g. a group this person is no longer in. */
  async forget(conversationId: number): Promise<void> {
    this.dirty.delete(conversationId);
    await this.change((store) => store.delete(conversationId));
  }

  /** Forgets every conversation kept: what is held may be stale, as after the server could not say what changed. */
  async clear(): Promise<void> {
    this.dirty.clear();
    await this.change((store) => store.clear());
  }

  /** No more writes; pending ones are dropped (the page is signing out or closing). */
  stop(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.dirty.clear();
    void this.db?.then((db) => db?.close());
  }

  private async write(): Promise<void> {
    this.timer = undefined;
    const changes = [...this.dirty].flatMap(([id, read]) => {
      const messages = read();
      return messages === undefined ? [] : [{ id, messages: messages.slice(-KEPT_MESSAGES) }];
    });
    this.dirty.clear();
    if (changes.length === 0) return;
    const keptAt = Date.now();
    await this.change((store) => {
      for (const { id, messages } of changes) {
        if (messages.length === 0) store.delete(id);
        else store.put({ id, messages: [...messages], kept_at: keptAt } satisfies KeptHistory);
      }
      const all = store.getAll();
      all.onsuccess = () => {
        const newestFirst = (all.result as KeptHistory[]).sort((a, b) => b.kept_at - a.kept_at);
        for (const old of newestFirst.slice(KEPT_CONVERSATIONS)) store.delete(old.id);
      };
    });
  }

  /** One read-write transaction. Storage full, refused or closed: the page works on, only without history offline. */
  private async change(use: (store: IDBObjectStore) => void): Promise<void> {
    const db = await this.open();
    if (db === undefined || this.closed) return;
    try {
      const tx = db.transaction(STORE, 'readwrite');
      use(tx.objectStore(STORE));
      await done(tx);
    } catch {
      // As above.
    }
  }

  private open(): Promise<IDBDatabase | undefined> {
    this.db ??= openDatabase(historyDatabase(this.userId)).then((db) => {
      // Signing out (here or in another tab) deletes the database: this connection must not hold that up.
      if (db !== undefined) db.onversionchange = () => (this.stop(), db.close());
      return db;
    });
    return this.db;
  }
}

function openDatabase(name: string): Promise<IDBDatabase | undefined> {
  if (typeof indexedDB === 'undefined') return Promise.resolve(undefined);
  const opening = indexedDB.open(name, 1);
  opening.onupgradeneeded = () => opening.result.createObjectStore(STORE, { keyPath: 'id' });
  return request(opening).catch(() => undefined);
}

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = tx.onabort = () => reject(tx.error);
  });
}
