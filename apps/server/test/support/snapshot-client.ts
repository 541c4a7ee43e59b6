import { readFileSync } from 'node:fs';
import { Compile, type Validator } from 'typebox/compile';

// The protocol as published at version 2, kept unchanged: what a client written then validates frames with.
const snapshot = JSON.parse(readFileSync(new URL('../../../../packages/protocol/compat/protocol-2.schema.json', import.meta.url), 'utf8')) as {
  $defs: { ServerEvent: { anyOf: Array<{ properties: { type: { const: string } } }> } };
};
const validators = new Map<string, Validator>(
  snapshot.$defs.ServerEvent.anyOf.map((schema) => [schema.properties.type.const, Compile(schema as never)]),
);

/**
 * Checks a frame the way a client built on the published snapshot would take it: a type it knows must fit its
 * schema (fields added since are fine), a type it does not know is skipped. Catch-up pages are checked change by
 * change, as such a client handles them. Returns why it would refuse the frame, or undefined.
 */
export function snapshotClientRefuses(text: string): string | undefined {
  const frame = JSON.parse(text) as { type: string; payload: { changes?: unknown[] } };
  const validator = validators.get(frame.type);
  if (validator === undefined) return undefined;
  if (!validator.Check(frame as unknown)) return `${frame.type}: ${validator.Errors(frame as unknown)[0]?.message}`;
  for (const change of frame.type === 'caught_up' ? (frame.payload.changes ?? []) : []) {
    const refusal = snapshotClientRefuses(JSON.stringify(change));
    if (refusal !== undefined) return `caught_up change ${refusal}`;
  }
  return undefined;
}
