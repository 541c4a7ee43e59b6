import type { TSchema } from 'typebox';
import { OPEN } from './envelope.js';

/**
 * The same schema, but accepting fields it does not declare at every depth, and any string where a list of values
 * is marked open: a client built today must still accept the frames of a server that has since grown a field, an
 * error code or a conversation type (see "Compatibility" in API_CONTRACT.md).
 */
export function tolerant<S extends TSchema>(schema: S): S {
  return JSON.parse(JSON.stringify(schema), (key, value: unknown) => {
    if (key === 'additionalProperties' && value === false) return undefined;
    if (typeof value === 'object' && value !== null && OPEN in value) return { type: 'string' };
    return value;
  }) as S;
}
