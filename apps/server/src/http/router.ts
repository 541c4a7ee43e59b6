import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { ErrorCode } from '@hearth/protocol';
import type { Sessions } from '../domain/sessions.js';
import { ApiRoutes, type ApiNeeds } from './api.js';
import { FileRoutes, type FileRouteNeeds } from './files.js';
import { InviteLimits, InviteRoutes, type InviteRouteNeeds } from './invites.js';
import { metricsRoute, type MetricsAccess } from './metrics.js';
import { readyRoute, type ReadyChecks } from './ready.js';
import { SignInRoutes } from './sign-in.js';
import { safeDecode, sendError, sendJson, setSecurityHeaders } from './respond.js';
import { createStaticServer } from './static.js';

const INVITE_ROUTE = /^\/api\/invites\/([^/]{1,128})$/;
const SIGN_IN_ROUTE = /^\/api\/sign-in\/([^/]{1,128})$/;
/** A file: its id, then its name, which is only there for the browser's sake (the id alone names the file). */
const FILE_ROUTE = /^\/files\/([A-Za-z0-9_-]{22})(?:\/[^/]*)?$/;
const FILE_LINK_ROUTE = /^\/api\/files\/([A-Za-z0-9_-]{22})\/link$/;

export interface RouterNeeds extends InviteRouteNeeds {
  sessions: Sessions;
  /** The folder the web app is served from. */
  webDir: string;
  limits: InviteLimits;
  metrics: MetricsAccess;
  ready: ReadyChecks;
  files: FileRouteNeeds;
  api: ApiNeeds;
}

/** Routes plain HTTP requests: the invite and sign-in APIs, files, the HTTP API, health, readiness and metrics, and the web app. */
export function createRouter(ctx: RouterNeeds) {
  const invites = new InviteRoutes(ctx, ctx.limits);
  const signIns = new SignInRoutes(ctx, ctx.limits);
  const files = new FileRoutes(ctx.files);
  const api = new ApiRoutes(ctx.api);
  const serveStatic = createStaticServer(resolve(ctx.webDir));
  const serveMetrics = metricsRoute(ctx.metrics);
  const serveReady = readyRoute(ctx.ready);

  /** A request that threw is answered with a coded 500 (headers still unsent) or cut off; the server goes on. */
  function failed(res: ServerResponse, error: unknown): void {
    ctx.log.error({ err: error }, 'HTTP request failed');
    if (!res.headersSent) sendError(res, ErrorCode.InternalError, 'The server could not handle this request');
    else res.destroy();
  }

  function route(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0]!;
    const invite = INVITE_ROUTE.exec(path);
    if (invite !== null) {
      invites.handle(req, res, safeDecode(invite[1]!)).catch((error: unknown) => failed(res, error));
      return;
    }
    const signIn = SIGN_IN_ROUTE.exec(path);
    if (signIn !== null) {
      signIns.handle(req, res, safeDecode(signIn[1]!)).catch((error: unknown) => failed(res, error));
      return;
    }
    if (path === '/api/files') return void files.upload(req, res).catch((error: unknown) => failed(res, error));
    const link = FILE_LINK_ROUTE.exec(path);
    if (link !== null) return void files.link(req, res, link[1]!).catch((error: unknown) => failed(res, error));
    const file = FILE_ROUTE.exec(path);
    if (file !== null) return void files.download(req, res, file[1]!).catch((error: unknown) => failed(res, error));
    if (api.handles(path)) return void api.handle(req, res, path).catch((error: unknown) => failed(res, error));
    if (path.startsWith('/api/') || path.startsWith('/files/')) return void res.writeHead(404).end();
    if (path === '/healthz') return sendJson(res, 200, { ok: true });
    if (path === '/readyz') return void serveReady(res).catch((error: unknown) => failed(res, error));
    if (path === '/metrics') return void serveMetrics(req, res).catch((error: unknown) => failed(res, error));
    serveStatic(req, res);
  }

  return {
    handle(req: IncomingMessage, res: ServerResponse): void {
      setSecurityHeaders(res);
      try {
        route(req, res);
      } catch (error) {
        failed(res, error);
      }
    },
  };
}
