import Type, { type TSchema } from 'typebox';
import { MAX_REQUEST_ID_LENGTH } from './limits.js';

/** A request id chosen by the client; the reply (or its `error`) carries it back. */
export const RequestId = Type.String({ minLength: 1, maxLength: MAX_REQUEST_ID_LENGTH });

/** Every frame, in both directions: `{ type, payload, id? }`. */
export const Envelope = Type.Object({
  type: Type.String(),
  payload: Type.Object({}),
  id: Type.Optional(RequestId),
});

/** Declares one event: its literal `type`, its payload schema, and the optional request id. */
export function event<const T extends string, P extends TSchema>(type: T, payload: P) {
  return Type.Object(
    { type: Type.Literal(type), payload, id: Type.Optional(RequestId) },
    { additionalProperties: false },
  );
}

/** A payload object that allows no fields beyond those declared. */
export function payload<P extends Parameters<typeof Type.Object>[0]>(properties: P) {
  return Type.Object(properties, { additionalProperties: false });
}
