import type { TSchema } from 'typebox';
import { API_ROUTES, type ApiRoute } from './api.js';
import { HTTP_STATUS } from './codes.js';
import { HttpError } from './http.js';
import { Id } from './models.js';
import { tolerant } from './tolerant.js';

/** A schema as plain JSON Schema: what TypeBox keeps beside it for itself (symbol keys) is left out. */
const plain = (schema: TSchema): Record<string, unknown> => JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;

/** The statuses a route's errors come with, each with the codes that may be answered with it. */
function errorStatuses(route: ApiRoute): Map<number, string[]> {
  const codes = ['invalid_token', 'rate_limited', ...(route.body !== undefined && route.body !== 'bytes' ? ['invalid_json', 'invalid_payload'] : []), ...route.errors];
  const byStatus = new Map<number, string[]>();
  for (const code of codes) {
    const status = HTTP_STATUS[code as keyof typeof HTTP_STATUS] ?? 400;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  return byStatus;
}

function operation(route: ApiRoute): Record<string, unknown> {
  const parameters = [
    ...[...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: plain(Id) })),
    ...Object.entries(route.query ?? {}).map(([name, schema]) => ({ name, in: 'query', required: route.body === 'bytes', schema: plain(schema) })),
  ];
  const responses: Record<string, unknown> = {
    [String(route.status)]: { description: 'Done', content: { 'application/json': { schema: plain(tolerant(route.answer)) } } },
  };
  for (const [status, codes] of errorStatuses(route)) {
    responses[String(status)] = { description: `Refused: ${codes.join(', ')}`, content: { 'application/json': { schema: { $ref: '#/components/schemas/HttpError' } } } };
  }
  const body =
    route.body === undefined
      ? {}
      : route.body === 'bytes'
        ? { requestBody: { required: true, content: { 'application/octet-stream': { schema: { type: 'string', contentMediaType: 'application/octet-stream' } } } } }
        : { requestBody: { required: true, content: { 'application/json': { schema: plain(route.body) } } } };
  return { summary: route.summary, operationId: operationId(route), ...(parameters.length > 0 ? { parameters } : {}), ...body, responses };
}

/** `post /api/conversations/{conversation_id}/messages` → `postConversationsMessages`. */
function operationId(route: ApiRoute): string {
  const words = route.path.replace(/^\/api\//, '').split('/').filter((part) => !part.startsWith('{'));
  return route.method + words.map((word) => word[0]!.toUpperCase() + word.slice(1)).join('');
}

/**
 * The HTTP API as an OpenAPI 3.1 document, made from the same schemas the server checks bodies with and answers in:
 * served at `/api/openapi.json` and written to `dist/openapi.json` at build time.
 */
export function openApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of API_ROUTES) (paths[route.path] ??= {})[route.method] = operation(route);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Hearth HTTP API',
      version,
      description: 'Send and read messages without a WebSocket, with a device’s or a bot’s token as a Bearer token. See API_CONTRACT.md.',
    },
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: { HttpError: plain(tolerant(HttpError)) },
    },
    paths,
  };
}
