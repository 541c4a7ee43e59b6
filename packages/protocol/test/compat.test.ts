import { readFileSync } from 'node:fs';
import { Compile, type Validator } from 'typebox/compile';
import { describe, expect, it } from 'vitest';
import {
  CLIENT_EVENT_TYPES,
  ERROR_CODES,
  parseClientEvent,
  PROTOCOL_VERSION,
  SERVER_EVENT_TYPES,
  type ServerEventType,
} from '../src/index.js';
import { clientSamples, frame, serverSamples } from './samples.js';

/**
 * Server events added since protocol 2 was published. Adding an event is additive (a client skips a type it does
 * not know); each one listed here must be named in the "Compatibility" section of API_CONTRACT.md.
 */
const ADDED_SINCE_PROTOCOL_2: readonly ServerEventType[] = ['message_updated', 'user_typing', 'member_state_updated', 'search_results', 'push_updated', 'user_updated', 'conversation_updated', 'sessions', 'sign_in_link', 'members', 'invites', 'invite_policy_updated', 'users', 'bot_key', 'webhook_created', 'webhooks', 'bot_endpoint'];

type Union = { anyOf: { properties: { type: { const: string } } }[] };
type Snapshot = { $schema: string; $defs: Record<string, unknown> & { ServerEvent: Union; ClientEvent: Union } };

// The protocol as published at version 2, committed once and only ever read: it stands for every client built then.
const snapshot = JSON.parse(readFileSync(new URL('../compat/protocol-2.schema.json', import.meta.url), 'utf8')) as Snapshot;
const byType = (union: Union) => new Map<string, Validator>(union.anyOf.map((schema) => [schema.properties.type.const, Compile(schema as never)]));
const snapshotServer = byType(snapshot.$defs.ServerEvent);
const snapshotClient = byType(snapshot.$defs.ClientEvent);
const snapshotServerUnion = Compile(snapshot.$defs.ServerEvent as never);

const contract = readFileSync(new URL('../../../API_CONTRACT.md', import.meta.url), 'utf8');
const compatibility = contract.split(/^## /m).find((chunk) => chunk.startsWith('Compatibility\n')) ?? '';

/** Why a client built on the snapshot would refuse a frame, or undefined; catch-up changes are checked one by one. */
function snapshotRefuses(value: { type: string; payload: unknown }): string | undefined {
  const validator = snapshotServer.get(value.type);
  if (validator === undefined) return `unknown type ${value.type}`;
  if (!validator.Check(value as unknown)) return `${value.type}: ${JSON.stringify(validator.Errors(value as unknown)[0])}`;
  if (value.type !== 'caught_up') return undefined;
  for (const change of (value.payload as { changes: { type: string; payload: unknown }[] }).changes) {
    if (!snapshotServer.has(change.type)) continue; // skipped by such a client, as a live frame of that type would be
    const refused = snapshotRefuses(change);
    if (refused !== undefined) return `caught_up change ${refused}`;
  }
  return undefined;
}

/** The same value with a field nobody declared added to every object in it, the frame itself included. */
function grown(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(grown);
  if (value === null || typeof value !== 'object') return value;
  return { ...Object.fromEntries(Object.entries(value).map(([key, v]) => [key, grown(v)])), added_later: { nested: [1] } };
}

const known = SERVER_EVENT_TYPES.filter((type) => snapshotServer.has(type));

describe('the protocol 2 snapshot (compat/protocol-2.schema.json)', () => {
  it('is a JSON Schema of both directions, for a protocol at version 2 or later', () => {
    expect(snapshot.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(snapshotServer.size).toBeGreaterThan(0);
    expect(snapshotClient.size).toBeGreaterThan(0);
    expect(PROTOCOL_VERSION).toBeGreaterThanOrEqual(2);
  });

  it('knows every server event type today, except the ones listed as added since', () => {
    for (const type of SERVER_EVENT_TYPES) {
      expect(snapshotServer.has(type) !== ADDED_SINCE_PROTOCOL_2.includes(type), `${type} is in the snapshot or listed as added, not both`).toBe(true);
    }
  });

  it('has no server event type that the protocol has since dropped', () => {
    for (const type of snapshotServer.keys()) expect(SERVER_EVENT_TYPES, type).toContain(type);
  });

  it('is named, with every event added since, in the contract’s Compatibility section', () => {
    expect(compatibility).toContain('compat/protocol-2.schema.json');
    for (const type of ADDED_SINCE_PROTOCOL_2) expect(compatibility, type).toContain(`\`${type}\``);
  });

  it.each(known)('accepts today’s %s frame, as a client built on it must', (type) => {
    expect(snapshotRefuses(serverSamples[type])).toBeUndefined();
    expect(snapshotServerUnion.Check(serverSamples[type])).toBe(true);
  });

  it.each(known)('accepts today’s %s frame with a field added to every object in it', (type) => {
    const value = grown(serverSamples[type]) as { type: string; payload: unknown };
    expect(snapshotRefuses(value)).toBeUndefined();
  });

  it('refuses what breaks it, such as protocol 1’s presence shape, so it tells a breaking change from an additive one', () => {
    expect(snapshotRefuses({ type: 'user_offline', payload: { user_ids: [2] } })).toBeDefined();
    expect(snapshotRefuses({ type: 'caught_up', payload: { messages: [], has_more: false } })).toBeDefined();
    const { seq: _seq, ...unnumbered } = serverSamples.user_joined;
    expect(snapshotRefuses({ type: 'caught_up', payload: { changes: [unnumbered], has_more: false, cursor: 59 } })).toBeDefined();
  });

  it.each(['error', 'auth_error'] as const)(
    'accepts every error code today in %s frames (codes are a closed list there, so a new code needs a new version)',
    (type) => {
      for (const code of ERROR_CODES) expect(snapshotRefuses({ type, payload: { message: 'x', code } }), code).toBeUndefined();
    },
  );

  it('defines only requests the server still accepts, and the server accepts them as the snapshot wrote them', () => {
    for (const type of snapshotClient.keys()) expect(CLIENT_EVENT_TYPES, type).toContain(type);
    for (const type of CLIENT_EVENT_TYPES.filter((t) => snapshotClient.has(t))) {
      const sample = clientSamples[type];
      expect(snapshotClient.get(type)!.Check(sample), type).toBe(true);
      expect(parseClientEvent(frame(sample)).ok, type).toBe(true);
    }
  });
});
