import type { ChatError } from '@hearth/client';
import { SEARCH_QUERY_MAX_LENGTH, searchTerms, type Message, type SearchTerms } from '@hearth/protocol';
import type { ChatState } from './chat.svelte.js';

/** How long typing must pause before the words so far are searched. */
const TYPING_PAUSE_MS = 250;

/** A word still being typed: the last character is part of a word. */
const UNFINISHED = /[\p{L}\p{N}\p{Co}\p{M}]$/u;

/** Where to look: everywhere this person may read, or one conversation. */
export type Scope = 'everywhere' | number;

/**
 * A search as it is typed: the query and filters, the matches found so far (newest first), and whether more remain.
 * Searches as the person types, treating the word being typed as the start of a longer one; an answer to anything
 * but the latest request is dropped.
 */
export class Search {
  query = $state('');
  scope = $state<Scope>('everywhere');
  /** Only messages this person sent; null for anyone. */
  senderId = $state<number | null>(null);
  results = $state.raw<Message[]>([]);
  /** What the results were found for, to mark the words in them. */
  terms = $state.raw<SearchTerms>({ words: [], prefix: false });
  hasMore = $state(false);
  /** The server's index had not read the newest messages yet: they may be missing from the results. */
  behind = $state(false);
  busy = $state(false);
  /** Something to say instead of results: a refusal, or a lost connection. */
  problem = $state<string | null>(null);
  /** The result the arrow keys are on. */
  active = $state(0);

  /** The query changed, and its search waits for typing to pause. */
  private pending = $state(false);
  private timer: ReturnType<typeof setTimeout> | undefined;
  private latest = 0;

  constructor(private readonly chat: ChatState) {}

  /** True once a search for the current query and filters has been answered. */
  get answered(): boolean {
    return !this.busy && !this.pending && this.terms.words.length > 0;
  }

  /** The query changed: search again once typing pauses. */
  changed(): void {
    clearTimeout(this.timer);
    this.pending = true;
    this.timer = setTimeout(() => void this.find(), TYPING_PAUSE_MS);
  }

  /** Searches now, for the first page. */
  async find(): Promise<void> {
    clearTimeout(this.timer);
    this.pending = false;
    const asked = this.asked();
    const terms = searchTerms(asked);
    const request = ++this.latest;
    if (terms.words.length === 0) {
      this.show({ messages: [], has_more: false }, { words: [], prefix: false }, request);
      return;
    }
    await this.fetch(asked, terms, undefined, request);
  }

  /** The next page of older matches. */
  async more(): Promise<void> {
    const last = this.results.at(-1);
    if (last === undefined || !this.hasMore || this.busy || this.pending) return;
    await this.fetch(this.asked(), this.terms, last.id, ++this.latest);
  }

  /** Drops the search waiting or on its way: the panel closed. */
  stop(): void {
    clearTimeout(this.timer);
    this.pending = false;
    this.latest += 1;
  }

  /** The query as sent: a word still being typed also matches the longer words it begins. */
  private asked(): string {
    const query = this.query;
    return UNFINISHED.test(query) && [...query].length < SEARCH_QUERY_MAX_LENGTH ? `${query}*` : query;
  }

  private async fetch(asked: string, terms: SearchTerms, before: number | undefined, request: number): Promise<void> {
    this.busy = true;
    this.problem = null;
    try {
      const page = await this.chat.search(asked, {
        conversationId: this.scope === 'everywhere' ? undefined : this.scope,
        userId: this.senderId ?? undefined,
        before,
      });
      this.show(page, terms, request, before !== undefined);
    } catch (error) {
      if (request === this.latest) this.problem = `Could not search: ${(error as ChatError).message}`;
    } finally {
      if (request === this.latest) this.busy = false;
    }
  }

  private show(page: { messages: Message[]; has_more: boolean; index_behind?: number }, terms: SearchTerms, request: number, appended = false): void {
    if (request !== this.latest) return;
    this.results = appended ? [...this.results, ...page.messages] : page.messages;
    this.hasMore = page.has_more;
    if (!appended) this.behind = page.index_behind !== undefined;
    this.terms = terms;
    this.busy = false;
    if (!appended) this.active = 0;
  }
}
