import Type, { type Static, type TObject, type TSchema } from 'typebox';
import { MAX_REQUEST_ID_LENGTH } from './limits.js';

/** A request id chosen by the client; the reply (or its `error`) carries it back. */
export const RequestId = Type.String({ minLength: 1, maxLength: MAX_REQUEST_ID_LENGTH });

/** Every frame, in both directions: `{ type, payload, id? }`. */
export const Envelope = Type.Object({
  type: Type.String(),
  payload: Type.Object({}),
  id: Type.Optional(RequestId),
});
export type Envelope = Static<typeof Envelope>;

/** Declares one event: its literal `type`, its payload schema, and the optional request id. */
export function event<const T extends string, P extends TSchema>(type: T, payload: P) {
  return Type.Object(
    { type: Type.Literal(type), payload, id: Type.Optional(RequestId) },
    { additionalProperties: false },
  );
}

/**
 * Marks a list of values that may grow in later versions (error codes, conversation types): the server sends only
 * the values listed, and checks them strictly, but a client must accept any string there (see `tolerant`).
 */
export const OPEN = 'x-hearth-open';

/** A change's position in the server's numbered change log. */
export const Seq = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

/**
 * The numbers a change carries wherever it is sent, live or in a `caught_up` page: its own `seq`, the `seq` of the
 * change before it in the same `stream` (0 when none is kept), and the stream, so a client can tell a gap.
 */
const ChangeStamp = {
  seq: Type.Optional(Seq),
  prev: Type.Optional(Seq),
  stream: Type.Optional(Type.String({ maxLength: 32 })),
};

/** Declares an event that records a change: an `event` that may also carry the change's numbers. */
export function changeEvent<const T extends string, P extends TSchema>(type: T, payload: P) {
  return Type.Object(
    { type: Type.Literal(type), payload, id: Type.Optional(RequestId), ...ChangeStamp },
    { additionalProperties: false },
  );
}

/** A change in a `caught_up` page, of any type, even one this client does not know yet. */
export const ChangeFrame = Type.Object({
  type: Type.String(),
  payload: Type.Object({}),
  seq: Seq,
  prev: Seq,
  stream: Type.String({ maxLength: 32 }),
});

/** A payload object that allows no fields beyond those declared. */
export function payload<P extends Parameters<typeof Type.Object>[0]>(properties: P) {
  return Type.Object(properties, { additionalProperties: false });
}

/** A list of schemas as a tuple, as `Type.Union` wants it. */
export function list<const E extends TObject[]>(...events: E): E {
  return events;
}

/** The events of one direction keyed by their type: the union and this record come from one list. */
export function byType<const E extends readonly TObject[]>(events: E) {
  type Keyed = { [K in E[number] as Static<K> extends { type: infer T extends string } ? T : never]: K };
  return Object.fromEntries(events.map((e) => [(e.properties.type as unknown as { const: string }).const, e])) as Keyed;
}
