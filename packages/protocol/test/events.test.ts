import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  CHANGE_EVENT_TYPES,
  parseStream,
  streamKey,
  type Stream,
  CLIENT_EVENT_TYPES,
  ClientEvent,
  ClientEvents,
  REPLY_TYPE,
  SERVER_EVENT_TYPES,
  ServerEvent,
  ServerEvents,
  type ClientEventType,
  type ServerEventType,
} from '../src/index.js';

const directions = [
  ['server', ServerEvents, ServerEvent, SERVER_EVENT_TYPES],
  ['client', ClientEvents, ClientEvent, CLIENT_EVENT_TYPES],
] as const;

const typeOf = (schema: unknown) => (schema as { properties: { type: { const: string } } }).properties.type.const;
const fieldsOf = (schema: unknown) => Object.keys((schema as { properties: Record<string, unknown> }).properties);

describe.each(directions)('the %s events', (_, record, union, types) => {
  it('are keyed by byType under the type each one declares', () => {
    for (const [key, schema] of Object.entries(record)) expect(typeOf(schema), key).toBe(key);
  });

  it('make a union holding exactly the record’s events, the same schemas in the same order, from one list', () => {
    expect(union.anyOf).toEqual(Object.values(record));
    union.anyOf.forEach((schema: unknown, i: number) => expect(schema).toBe(Object.values(record)[i]));
  });

  it('declare each type once, and the list of types is the record’s keys', () => {
    expect(new Set(union.anyOf.map(typeOf)).size).toBe(union.anyOf.length);
    expect(types).toEqual(Object.keys(record));
  });
});

describe('the event types', () => {
  it('are the same in the record, the union and the type list, for the compiler too', () => {
    expectTypeOf<keyof typeof ServerEvents>().toEqualTypeOf<ServerEventType>();
    expectTypeOf<keyof typeof ClientEvents>().toEqualTypeOf<ClientEventType>();
    expectTypeOf<ServerEvent['type']>().toEqualTypeOf<ServerEventType>();
    expectTypeOf<(typeof SERVER_EVENT_TYPES)[number]>().toEqualTypeOf<ServerEventType>();
  });

  it('never share a name between the two directions', () => {
    expect(SERVER_EVENT_TYPES.filter((type) => (CLIENT_EVENT_TYPES as string[]).includes(type))).toEqual([]);
  });

  it('answer every request but auth and typing with a server event', () => {
    expect(Object.keys(REPLY_TYPE).sort()).toEqual(CLIENT_EVENT_TYPES.filter((type) => type !== 'auth' && type !== 'typing').sort());
    for (const reply of Object.values(REPLY_TYPE)) expect(SERVER_EVENT_TYPES).toContain(reply);
  });
});

describe('CHANGE_EVENT_TYPES', () => {
  it('are all server events', () => {
    for (const type of CHANGE_EVENT_TYPES) expect(SERVER_EVENT_TYPES).toContain(type);
  });

  it('are exactly the server events that may carry seq, prev and stream', () => {
    const stamped = SERVER_EVENT_TYPES.filter((type) => ['seq', 'prev', 'stream'].every((field) => fieldsOf(ServerEvents[type]).includes(field)));
    expect(stamped.sort()).toEqual([...CHANGE_EVENT_TYPES].sort());
  });

  it('leave presence out: user_online and user_offline are not changes', () => {
    expect(CHANGE_EVENT_TYPES).not.toContain('user_online');
    expect(CHANGE_EVENT_TYPES).not.toContain('user_offline');
    expect(fieldsOf(ServerEvents.user_online)).not.toContain('seq');
  });
});

describe('streams', () => {
  it('a stream key names the stream it was made from', () => {
    for (const stream of [{ kind: 'all' }, { kind: 'conversation', id: 7 }, { kind: 'user', id: 12 }] satisfies Stream[]) {
      expect(parseStream(streamKey(stream))).toEqual(stream);
    }
  });

  it('a key this version does not define names no stream', () => {
    for (const key of ['', 'c', 'c0', 'c-1', 'c1.5', 'x3', 'u01', 'all ', 'c99999999999999999']) expect(parseStream(key)).toBeUndefined();
  });
});
