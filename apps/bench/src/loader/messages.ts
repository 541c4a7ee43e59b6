// What the coordinator asks of a load generator process over IPC, and what it answers.
import type { Counts } from '../histogram.js';
import type { SearchPayload, Wire } from './frames.js';

export interface ConnectRequest {
  cmd: 'connect';
  wire: Wire;
  tokens: string[];
  /** The server address each token's connection opens, in the same order. */
  urls: string[];
  /** Connections opening at once from this process. */
  concurrency: number;
  /** Stop starting new connections after this long (they count as skipped). */
  deadlineMs: number;
}

export interface ConnectResult {
  opened: number;
  failed: number;
  /** Not tried because the deadline passed. */
  skipped: number;
  firstError: string | null;
  wallMs: number;
  /** From opening the socket to authenticated, per connection. */
  auth: Counts;
}

export interface Sender {
  /** Index into this process's connections. */
  client: number;
  conversationId: number;
  perSecond: number;
}

export interface RunRequest {
  cmd: 'run';
  step: number;
  durationMs: number;
  senders: Sender[];
}

export interface RunResult {
  sent: number;
}

export interface StatsRequest {
  cmd: 'stats';
  step: number;
}

export interface StepStats {
  received: number;
  acked: number;
  /** Replies that were `error` frames (e.g. rate limited). */
  errors: number;
  delivery: Counts;
  ack: Counts;
  /** When the last delivery or acknowledgement of the step arrived (shared monotonic clock, µs). */
  lastMicros: number;
  /** Connections the server closed since connecting. */
  closed: number;
}

export interface HistoryRequest {
  cmd: 'history';
  conversationId: number;
  /** One request per entry: a message id to read before, or null for the newest page. */
  pages: (number | null)[];
  limit: number;
}

export interface HistoryResult {
  pages: number;
  errors: number;
  messages: number;
  latency: Counts;
}

export interface SearchRequest {
  cmd: 'search';
  /** One request per entry, sent one after another. */
  queries: SearchPayload[];
}

export interface SearchResult {
  queries: number;
  errors: number;
  /** Messages found, per query, in order. */
  found: number[];
  latency: Counts;
}

export interface CloseRequest {
  cmd: 'close';
}

export type Request = ConnectRequest | RunRequest | StatsRequest | HistoryRequest | SearchRequest | CloseRequest;

export interface Results {
  connect: ConnectResult;
  run: RunResult;
  stats: StepStats;
  history: HistoryResult;
  search: SearchResult;
  close: { closed: number };
}

export type Envelope = { seq: number; request: Request };
export type Reply = { seq: number; result?: unknown; error?: string };
