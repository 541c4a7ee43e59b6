import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { CLIENT_EVENT_TYPES, protocolJsonSchema, SERVER_EVENT_TYPES } from '../src/index.js';
import { alice, bob, changeSamples, clientSamples, dm, hello, serverSamples } from './samples.js';

type Schema = { $schema: string; $defs: Record<string, object> };
const schema = protocolJsonSchema() as Schema;
const built = fileURLToPath(new URL('../dist/protocol.schema.json', import.meta.url));

describe('protocolJsonSchema', () => {
  it('has a definition for every client and server event type', () => {
    for (const type of [...CLIENT_EVENT_TYPES, ...SERVER_EVENT_TYPES]) expect(schema.$defs).toHaveProperty([type]);
  });

  it('has definitions for the unions, the data types and the invite API', () => {
    const names = ['ClientEvent', 'ServerEvent', 'User', 'Conversation', 'Message'];
    const http = ['RedeemInviteRequest', 'RedeemInviteResponse', 'InviteStatus', 'HttpError'];
    for (const name of [...names, ...http]) expect(schema.$defs).toHaveProperty([name]);
  });

  it('is plain JSON that survives a round trip unchanged', () => {
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('checks frames on its own, without the TypeScript declarations', () => {
    const client = Compile(schema.$defs.ClientEvent!);
    const server = Compile(schema.$defs.ServerEvent!);
    for (const sample of Object.values(clientSamples)) expect(client.Check(sample)).toBe(true);
    for (const sample of Object.values(serverSamples)) expect(server.Check(sample)).toBe(true);
    // Server events are tolerant: new fields and error codes a later server adds are accepted; broken shapes are not.
    expect(server.Check({ type: 'error', payload: { message: 'x', code: 'added_later', hint: 1 } })).toBe(true);
    expect(server.Check({ type: 'error', payload: { message: 1, code: 'x' } })).toBe(false);
    expect(server.Check({ type: 'user_online', payload: {} })).toBe(false);
    expect(server.Check({ type: 'caught_up', payload: { changes: [{ type: 'message', payload: {} }], has_more: false, cursor: 1 } })).toBe(false);
  });

  it('lets server events carry fields it does not declare, at any depth, in the union and in each event', () => {
    const grownUser = { ...bob, avatar: 'b.png' };
    const frames = [
      { ...serverSamples.pong, trace: 'abc' },
      { type: 'pong', payload: { at: 1 } },
      { type: 'user_online', payload: { user: grownUser, since: 1 } },
      { ...serverSamples.conversation_created, payload: { conversation: { ...dm, members: [alice, grownUser], topic: 'x' } } },
      { ...changeSamples.message, payload: { ...hello, pinned_at: 1 } },
      { ...serverSamples.auth_ok, payload: { ...serverSamples.auth_ok.payload, users: [alice, grownUser], motd: 'hi' } },
    ];
    const union = Compile(schema.$defs.ServerEvent!);
    for (const value of frames) {
      expect(union.Check(value), value.type).toBe(true);
      expect(Compile(schema.$defs[value.type]!).Check(value), value.type).toBe(true);
    }
    const data = [['User', grownUser], ['Conversation', { ...dm, topic: 'x' }], ['Message', { ...hello, edited_at: 1 }]] as const;
    for (const [name, value] of data) expect(Compile(schema.$defs[name]!).Check(value), name).toBe(true);
    expect(JSON.stringify(schema.$defs.ServerEvent)).not.toContain('"additionalProperties":false');
  });

  it('keeps client events strict: a field they do not declare is refused, in the union and in each event', () => {
    const client = Compile(schema.$defs.ClientEvent!);
    for (const type of CLIENT_EVENT_TYPES) {
      const sample = clientSamples[type];
      for (const value of [{ ...sample, payload: { ...sample.payload, extra: 1 } }, { ...sample, extra: 1 }]) {
        expect(client.Check(value), type).toBe(false);
        expect(Compile(schema.$defs[type]!).Check(value), type).toBe(false);
      }
    }
  });
});

describe('the built schema file', () => {
  it('is what protocolJsonSchema returns', () => {
    expect(existsSync(built), 'dist/protocol.schema.json is missing: build the package first').toBe(true);
    expect(JSON.parse(readFileSync(built, 'utf8'))).toEqual(schema);
  });

  it('is exported as @hearth/protocol/schema.json', () => {
    const resolved = createRequire(import.meta.url).resolve('@hearth/protocol/schema.json');
    expect(realpathSync(resolved)).toBe(realpathSync(built));
  });
});
