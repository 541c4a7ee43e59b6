import { CLIENT_EVENT_TYPES, ERROR_CODES, type ClientEventType, type ErrorCode } from '@hearth/protocol';
import { collectDefaultMetrics, Counter, Gauge, Registry } from 'prom-client';
import { Histogram } from './histogram.js';
import { OUTBOUND_CODES, type OutboundCode } from './outbound/errors.js';

/**
 * What an operator's Prometheus reads at `/metrics`. A scrape is of one process, so the metrics are the process's
 * own, made once at module load. What is counted per message (requests, the send path's histograms) costs an
 * addition or two and allocates nothing; the rest use prom-client's series, bound once.
 */
export const registry = new Registry();
// The event loop's delay is sampled every 100 ms, not prom-client's 10: a timer a hundred times a second was most of
// what an idle server spent.
collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 100 });

/** Buckets in seconds from a fraction of a millisecond (a batch on a fast disk) to seconds (a stalled database). */
const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

const connections = new Gauge({
  name: 'hearth_connections',
  help: 'Open WebSocket connections, by whether they have signed in yet.',
  labelNames: ['state'] as const,
  registers: [registry],
});
const authenticating = connections.labels('authenticating');
const signedIn = connections.labels('signed_in');

/** A WebSocket connection was accepted: it has not signed in yet. */
export function connectionOpened(): void {
  authenticating.inc();
}

/** A connection signed in. */
export function connectionSignedIn(): void {
  authenticating.dec();
  signedIn.inc();
}

/** A connection closed, signed in or not. */
export function connectionClosed(wasSignedIn: boolean): void {
  (wasSignedIn ? signedIn : authenticating).dec();
}

const REQUEST_TYPES = [...CLIENT_EVENT_TYPES, 'invalid' as const];
const requestIndex = new Map(REQUEST_TYPES.map((type, i) => [type, i]));
/** Frames read by type, counted here and handed to prom-client when scraped. */
const requestCounts = new Float64Array(REQUEST_TYPES.length);
new Counter({
  name: 'hearth_requests_total',
  help: 'Frames read from WebSocket clients, by request type; "invalid" for frames that failed validation.',
  labelNames: ['type'] as const,
  registers: [registry],
  collect() {
    this.reset();
    for (const [i, type] of REQUEST_TYPES.entries()) if (requestCounts[i]! > 0) this.inc({ type }, requestCounts[i]);
  },
});

/** Counts a frame read from a client: its request type, or `invalid`. */
export function requestRead(type: ClientEventType | 'invalid'): void {
  requestCounts[requestIndex.get(type)!]! += 1;
}

const errors = new Counter({
  name: 'hearth_errors_total',
  help: 'error and auth_error frames sent to WebSocket clients, by error code.',
  labelNames: ['code'] as const,
  registers: [registry],
});
const errorsByCode = new Map<ErrorCode, Counter.Internal>(ERROR_CODES.map((code) => [code, errors.labels(code)]));

/** Counts an error frame sent to a client. */
export function errorSent(code: ErrorCode): void {
  errorsByCode.get(code)!.inc();
}

/** From a send entering storage's queue (its checks passed) to the commit of the transaction that stored it. */
export const sendToCommit = new Histogram(
  'hearth_send_commit_seconds',
  'Time from a send_message passing its checks to the commit of the transaction that stored it.',
  LATENCY_BUCKETS,
  registry,
);

/** From a change's commit here to its frame written to every recipient's socket on this process. */
export const commitToDelivery = new Histogram(
  'hearth_commit_delivery_seconds',
  'Time from the commit of a change made on this process to its frame written to the sockets of its recipients here.',
  LATENCY_BUCKETS,
  registry,
);

/** Sends stored per transaction (group commit). */
export const sendBatchSize = new Histogram(
  'hearth_send_batch_size',
  'Messages stored per transaction: sends that arrived together are committed together.',
  [1, 2, 5, 10, 20, 50, 100, 200, 500],
  registry,
);

/** From this process publishing a batch of changes on the bus to hearing it back on its own subscription. */
export const busTransit = new Histogram(
  'hearth_bus_transit_seconds',
  'Time from this process publishing its changes on the Redis bus to hearing them back on its own subscription: the way other processes hear them.',
  LATENCY_BUCKETS,
  registry,
);

/** Changes committed (here or elsewhere) that wait for a lower seq before they can be delivered. */
export const busWaiting = new Gauge({
  name: 'hearth_bus_waiting_changes',
  help: 'Changes heard that wait behind a gap in the seqs, for the bus or the log to bring a lower one.',
  registers: [registry],
});

/** Changes the bus did not bring in time, read from the database's log instead. */
export const busReadFromLog = new Counter({
  name: 'hearth_bus_changes_read_from_log_total',
  help: 'Changes other processes committed that the bus did not bring in time, read from the change log instead.',
  registers: [registry],
});

let busIsConnected = () => true;
new Gauge({
  name: 'hearth_bus_connected',
  help: '1 while this process is connected to the Redis bus (always 1 for a process alone), else 0.',
  registers: [registry],
  collect() {
    this.set(busIsConnected() ? 1 : 0);
  },
});

/** Where each scrape reads whether the bus is connected. */
export function watchBus(connected: () => boolean): void {
  busIsConnected = connected;
}

/** Why a push notification did not reach its push service or was not accepted there. */
export type PushFailure =
  | OutboundCode
  /** The push service answered 404 or 410: the subscription is gone. */
  | 'gone'
  /** The push service answered another 4xx or 5xx. */
  | 'rejected'
  /** The subscription's keys or endpoint could not be used to make a request. */
  | 'invalid_subscription';

const PUSH_FAILURES: readonly PushFailure[] = [...OUTBOUND_CODES, 'gone', 'rejected', 'invalid_subscription'];

const pushSends = new Counter({
  name: 'hearth_push_sends_total',
  help: 'Web Push notifications a push service accepted.',
  registers: [registry],
});
const pushFailures = new Counter({
  name: 'hearth_push_failures_total',
  help: 'Web Push notifications that failed, by reason.',
  labelNames: ['reason'] as const,
  registers: [registry],
});
const pushFailuresByReason = new Map<PushFailure, Counter.Internal>(PUSH_FAILURES.map((reason) => [reason, pushFailures.labels(reason)]));

/** Counts a push notification its push service accepted. */
export function pushSent(): void {
  pushSends.inc();
}

/** Counts a push notification that failed, by why. */
export function pushFailed(reason: PushFailure): void {
  pushFailuresByReason.get(reason)!.inc();
}

const consumerLag = new Gauge({
  name: 'hearth_consumer_lag',
  help: 'Changes in the log a consumer (push, search index…) has not handled yet: the head minus its cursor.',
  labelNames: ['consumer'] as const,
  registers: [registry],
});
const consumerErrors = new Counter({
  name: 'hearth_consumer_errors_total',
  help: 'Batches of changes a consumer of the change log failed to handle.',
  labelNames: ['consumer'] as const,
  registers: [registry],
});

/** One consumer's series, bound once on its first report. */
const consumerSeries = new Map<string, { lag: Gauge.Internal<'consumer'>; errors: Counter.Internal }>();

function seriesOf(consumer: string) {
  let series = consumerSeries.get(consumer);
  if (series === undefined) {
    series = { lag: consumerLag.labels(consumer), errors: consumerErrors.labels(consumer) };
    // Shown from the first report, so an alert on the rate of errors has a series before the first error.
    series.errors.inc(0);
    consumerSeries.set(consumer, series);
  }
  return series;
}

/**
 * What consumers of the change log report, by consumer name (`push`, `search`…): its lag after each run, and
 * each failure. Shaped as `ConsumerRunner`'s `observe` option takes it.
 */
export const consumerMetrics = {
  /** The consumer is `behind` changes behind the log's head. */
  lag(consumer: string, behind: number): void {
    seriesOf(consumer).lag.set(behind);
  },
  /** The consumer failed to handle a batch of changes. */
  failed(consumer: string): void {
    seriesOf(consumer).errors.inc();
  },
};
