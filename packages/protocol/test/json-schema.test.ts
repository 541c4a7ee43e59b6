import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { Compile } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import { CLIENT_EVENT_TYPES, protocolJsonSchema, SERVER_EVENT_TYPES } from '../src/index.js';
import { clientSamples, serverSamples } from './samples.js';

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
    expect(client.Check({ type: 'ping', payload: { extra: 1 } })).toBe(false);
    expect(server.Check({ type: 'error', payload: { message: 'x', code: 'made_up' } })).toBe(false);
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
