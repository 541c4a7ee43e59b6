import type { TSchema } from 'typebox';
import { Errors } from 'typebox/value';
import { ErrorCode } from '../codes.js';
import type { Envelope } from '../envelope.js';
import { ClientEvents } from '../events/client.js';
import { ServerEvents } from '../events/server.js';
import { tolerant } from '../tolerant.js';
import { refuse, type ParseResult } from './result.js';

/** The schemas a frame is checked against. */
export type Against = 'client' | 'server' | 'strict-server';

const schemas: Record<Against, Record<string, TSchema>> = {
  client: ClientEvents,
  server: Object.fromEntries(Object.entries(ServerEvents).map(([type, schema]) => [type, tolerant(schema)])),
  'strict-server': ServerEvents,
};

/**
 * Why a frame of a known type failed its check, from TypeBox's errors for its schema. Run only on a refusal: the
 * interpreter is slower than the generated check and weighs more than the rest of the protocol, so browser bundles
 * get explain.browser.ts in its place (see `browser` in package.json).
 */
export function explain(against: Against, frame: Envelope): ParseResult<never> {
  // The most specific error is the one with the deepest path; `boolean` errors only echo another.
  const errors = Errors(schemas[against][frame.type]!, frame).filter((e) => e.keyword !== 'boolean');
  const worst = errors.reduce((a, b) => (b.instancePath.length > a.instancePath.length ? b : a), errors[0]!);
  const path = worst?.instancePath ?? '';
  if (path === '/payload/content' && worst?.keyword === 'maxLength') {
    return refuse(ErrorCode.ContentTooLong, 'Message content is too long', frame.id, path);
  }
  const detail = worst?.keyword === 'additionalProperties' ? describeExtra(worst.params) : worst?.message;
  return refuse(ErrorCode.InvalidPayload, `${path || '/'}: ${detail ?? 'does not match the schema'}`, frame.id, path);
}

function describeExtra(params: object): string {
  const names = (params as { additionalProperties?: string[] }).additionalProperties ?? [];
  return `unexpected field${names.length === 1 ? '' : 's'} ${names.map((n) => `"${n.slice(0, 64)}"`).join(', ')}`;
}
