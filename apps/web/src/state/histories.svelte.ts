import type { ChatClient } from '@hearth/client';
import type { Message } from '@hearth/protocol';
import type { HistoryCache } from '../lib/history-cache.js';
import { ConversationLog } from './conversation-log.svelte.js';

/** The messages held for each conversation, and fetching their history a page at a time. */
export class Histories {
  private readonly logs = new Map<number, ConversationLog>();
  /** Bumped when every log is dropped, so views holding one fetch it again. */
  private generation = $state(0);
  /** The page each log is fetching, for a caller that needs it to wait for it rather than ask again. */
  private readonly fetching = new Map<ConversationLog, Promise<void>>();

  constructor(
    private readonly client: ChatClient,
    private readonly online: () => boolean,
    /** Where the newest messages of recent conversations are kept for a page opened offline. */
    private readonly cache: HistoryCache,
  ) {}

  /** The log of a conversation, created empty on first use. */
  log(conversationId: number): ConversationLog {
    void this.generation;
    let log = this.logs.get(conversationId);
    if (log === undefined) {
      // Only a log that reaches back from a fetched newest page is kept: one holding just what came live since the
      // page opened would replace a fuller copy with a few messages.
      const created = new ConversationLog(() => this.cache.changed(conversationId, () => (created.loaded ? created.messages : undefined)));
      this.logs.set(conversationId, (log = created));
    }
    return log;
  }

  /**
   * A message as it now is (edited, deleted, reacted to): in its log if held, and in what is kept of a conversation
   * not fetched this session, so that a message deleted while the page was open never shows again offline.
   */
  updated(message: Message): void {
    const log = this.log(message.conversation_id);
    log.update(message);
    if (!log.loaded) void this.cache.patch(message);
  }

  /** Forgets every message held, and kept, so each conversation is fetched anew when next shown. */
  clear(): void {
    this.logs.clear();
    void this.cache.clear();
    this.generation += 1;
  }

  /**
   * Fetches the newest page, once, so that a conversation opens with what came before this session. While it is on
   * its way, resolves when it has come. Until it can be fetched, what the browser kept of it is shown.
   */
  async loadNewest(conversationId: number): Promise<void> {
    const log = this.log(conversationId);
    if (log.loading && !log.loaded) return this.fetching.get(log);
    if (log.loaded || log.loading) return;
    if (!this.online()) return this.showKept(log, conversationId);
    await this.fetchPage(log, conversationId, undefined);
  }

  private async showKept(log: ConversationLog, conversationId: number): Promise<void> {
    const kept = await this.cache.read(conversationId);
    if (kept !== undefined && this.logs.get(conversationId) === log) log.showKept(kept);
  }

  /** Fetches the page before the oldest message held, one request at a time. */
  async loadOlder(conversationId: number): Promise<void> {
    const log = this.log(conversationId);
    if (!log.loaded || !log.hasMore || log.loading || !this.online()) return;
    await this.fetchPage(log, conversationId, log.oldestId);
  }

  private async fetchPage(log: ConversationLog, conversationId: number, before: number | undefined): Promise<void> {
    const page = this.fetchNow(log, conversationId, before);
    this.fetching.set(log, page);
    await page;
    this.fetching.delete(log);
  }

  private async fetchNow(log: ConversationLog, conversationId: number, before: number | undefined): Promise<void> {
    log.loading = true;
    try {
      const page = await this.client.loadHistory(conversationId, before === undefined ? {} : { before });
      log.addPage(page.messages, page.has_more);
      log.loaded = true;
    } catch {
      // A dropped connection or a timeout: the next scroll or reconnect asks again.
    } finally {
      log.loading = false;
    }
  }
}
