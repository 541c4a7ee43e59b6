import type { ChatClient } from '@hearth/client';
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
  ) {}

  /** The log of a conversation, created empty on first use. */
  log(conversationId: number): ConversationLog {
    void this.generation;
    let log = this.logs.get(conversationId);
    if (log === undefined) this.logs.set(conversationId, (log = new ConversationLog()));
    return log;
  }

  /** Forgets every message held, so each conversation is fetched anew when next shown. */
  clear(): void {
    this.logs.clear();
    this.generation += 1;
  }

  /**
   * Fetches the newest page, once, so that a conversation opens with what came before this session. While it is on
   * its way, resolves when it has come.
   */
  async loadNewest(conversationId: number): Promise<void> {
    const log = this.log(conversationId);
    if (log.loading && !log.loaded) return this.fetching.get(log);
    if (log.loaded || log.loading || !this.online()) return;
    await this.fetchPage(log, conversationId, undefined);
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
