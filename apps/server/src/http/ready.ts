import type { ServerResponse } from 'node:http';
import { sendJson } from './respond.js';

/** How long the database has to answer a readiness check: a load balancer asks often and must not be kept waiting. */
const DATABASE_TIMEOUT_MS = 2_000;

/** What readiness asks about. */
export interface ReadyChecks {
  /** A trivial query. */
  queryDatabase(): Promise<unknown>;
  /** Whether the bus to the other processes is connected (always, for a process alone). */
  busConnected(): boolean;
}

/**
 * /readyz: whether this process can serve a chat now, for a load balancer or an orchestrator to send it clients or
 * not. /healthz says only that the process runs. The reason given is short and names no address or error.
 */
export function readyRoute(checks: ReadyChecks) {
  return async function serveReady(res: ServerResponse): Promise<void> {
    const reason = await notReady(checks);
    sendJson(res, reason === undefined ? 200 : 503, reason === undefined ? { ok: true } : { ok: false, reason });
  };
}

async function notReady(checks: ReadyChecks): Promise<string | undefined> {
  if (!(await answersWithin(checks.queryDatabase(), DATABASE_TIMEOUT_MS))) return 'database unreachable';
  if (!checks.busConnected()) return 'bus unreachable';
  return undefined;
}

function answersWithin(query: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    query.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(false);
      },
    );
  });
}
