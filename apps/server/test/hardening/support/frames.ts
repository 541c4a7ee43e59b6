import fc from 'fast-check';
import { CLIENT_EVENT_TYPES } from '@hearth/protocol';

/** Any UTF-16 code unit, lone surrogates included: what a broken or hostile client can put in a string. */
const codeUnit = fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n));
const edgeChar = fc.constantFrom('\u0000', '\ud800', '\udfff', '\ufeff', '\u202e', '\u200d', '\uffff', '🔥', 'é', '\u0301', '\n', '"', '\\');
export const oddString = fc.oneof(
  fc.string(),
  fc.string({ unit: codeUnit, maxLength: 80 }),
  fc.string({ unit: edgeChar, maxLength: 40 }),
  fc.constantFrom('', ' ', '\u3000', 'x'.repeat(65), 'x'.repeat(4001), '__proto__', 'constructor'),
);

const oddNumber = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, -1, 0.5, 2 ** 31, 2 ** 53, 2 ** 53 + 2, 2 ** 63, 2 ** 64, Number.MAX_VALUE, Number.MIN_VALUE, 1e21),
);

/** A JSON value whose shape and type are wrong for any field. */
const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  oddString,
  oddNumber,
  fc.constantFrom(true, false, null),
  fc.array(oddNumber, { maxLength: 70 }),
  fc.jsonValue({ maxDepth: 3 }),
);

/** A field that is usually right and sometimes wrong. */
const field = <T>(right: fc.Arbitrary<T>) => fc.oneof({ weight: 3, arbitrary: right }, { weight: 1, arbitrary: oddValue });
// Small ids mostly, so requests name real users and conversations often enough to reach the database.
const id = fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 5 }) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 2 ** 53 - 1 }) });
const clientId = fc.string({ minLength: 1, maxLength: 64, unit: fc.oneof(codeUnit, edgeChar) });
/** Mostly absent: a missing or extra field should be one fault among many, not in every frame. */
const rarely = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: arb });
const required = <K extends string>(...keys: K[]) => ({ requiredKeys: keys });

function validish(type: string): fc.Arbitrary<Record<string, unknown>> {
  switch (type) {
    case 'auth':
      return fc.record({ token: field(oddString) }, required('token'));
    case 'send_message':
      return fc.record({ conversation_id: field(id), content: field(oddString), client_id: field(clientId) }, required('conversation_id', 'content', 'client_id'));
    case 'create_dm':
      return fc.record({ user_id: field(id) }, required('user_id'));
    case 'create_group':
      return fc.record({ user_ids: field(fc.array(id, { maxLength: 70 })) }, required('user_ids'));
    case 'load_history':
      return fc.record({ conversation_id: field(id), before: field(id), limit: field(fc.integer({ min: 0, max: 150 })) }, required('conversation_id'));
    case 'search':
      return fc.record(
        { query: field(oddString), conversation_id: field(id), user_id: field(id), before: field(id), limit: field(fc.integer({ min: 0, max: 60 })) },
        required('query'),
      );
    case 'rename_group':
      return fc.record({ conversation_id: field(id), title: field(oddString) }, required('conversation_id', 'title'));
    case 'add_members':
      return fc.record({ conversation_id: field(id), user_ids: field(fc.array(id, { maxLength: 40 })) }, required('conversation_id', 'user_ids'));
    case 'remove_member':
      return fc.record({ conversation_id: field(id), user_id: field(id) }, required('conversation_id', 'user_id'));
    case 'leave_conversation':
      return fc.record({ conversation_id: field(id) }, required('conversation_id'));
    case 'catch_up':
      return fc.record({ after: field(fc.integer({ min: -5, max: 2 ** 53 })), limit: field(fc.integer({ min: 0, max: 600 })) }, required('after'));
    default:
      return fc.constant({});
  }
}

/** `{ type, payload, id? }` with each part right or wrong, and sometimes an extra field. */
const envelopeLike = fc
  .tuple(
    // Sends weigh as much as they did among the first thirteen request types: they are the path to storage.
    fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...CLIENT_EVENT_TYPES) },
      { weight: 1, arbitrary: fc.constant('send_message') },
      { weight: 2, arbitrary: oddString },
    ),
    fc.option(oddString, { nil: undefined }),
    rarely(fc.tuple(oddString, oddValue)),
    fc.boolean(),
  )
  .chain(([type, requestId, extra, extraInPayload]) =>
    fc.oneof({ weight: 6, arbitrary: validish(type) }, { weight: 1, arbitrary: oddValue }).map((payload) => {
      const frame: Record<string, unknown> = { type, payload };
      if (requestId !== undefined) frame.id = requestId;
      if (extra !== undefined) {
        const target = extraInPayload && typeof payload === 'object' && payload !== null && !Array.isArray(payload) ? payload : frame;
        (target as Record<string, unknown>)[extra[0]] = extra[1];
      }
      return JSON.stringify(frame);
    }),
  );

/** Text JSON.stringify never writes: broken syntax, numbers beyond double range, duplicate keys, deep nesting. */
const rawText = fc.oneof(
  oddString,
  envelopeLike.chain((text) => fc.integer({ min: 0, max: text.length }).map((n) => text.slice(0, n))),
  envelopeLike.chain((text) => fc.tuple(fc.nat(text.length), edgeChar).map(([at, c]) => text.slice(0, at) + c + text.slice(at))),
  fc.constantFrom('1e999', '-1e999', '123456789012345678901234567890', '0.0000000000000000000001').map(
    (n) => `{"type":"load_history","payload":{"conversation_id":${n}},"id":"n"}`,
  ),
  fc.constant('{"type":"ping","payload":{},"type":"auth","id":"dup"}'),
  fc.constantFrom('null', '[]', '""', '0', 'true', '{}', '{"type":null}', '{"type":"ping"}', '{"type":"ping","payload":[]}'),
  fc.integer({ min: 1, max: 20_000 }).map((depth) => `{"type":"ping","payload":{"x":${'['.repeat(depth)}${']'.repeat(depth)}},"id":"deep"}`),
  fc.integer({ min: 1, max: 5_000 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
);

/** Every kind of frame a broken or hostile client might send, each under 64 KiB. */
export const frameText: fc.Arbitrary<string> = fc.oneof({ weight: 3, arbitrary: envelopeLike }, { weight: 2, arbitrary: rawText });
