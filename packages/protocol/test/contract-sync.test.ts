import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  CLIENT_EVENT_TYPES,
  ClientEvents,
  CloseCode,
  ERROR_CODES,
  parseClientEvent,
  parseServerEvent,
  SERVER_EVENT_TYPES,
  ServerEvents,
} from '../src/index.js';
import * as limits from '../src/limits.js';

const contract = readFileSync(new URL('../../../API_CONTRACT.md', import.meta.url), 'utf8');

/** The body of each `## ` section, keyed by its heading. */
const sections = new Map(
  contract
    .split(/^## /m)
    .slice(1)
    .map((chunk) => [chunk.slice(0, chunk.indexOf('\n')).trim(), chunk] as const),
);

function section(heading: string): string {
  const body = sections.get(heading);
  if (body === undefined) throw new Error(`API_CONTRACT.md has no "## ${heading}" section`);
  return body;
}

/** The `### \`type\`` headings of a piece of the contract, each with the text up to the next heading. */
function eventSections(text: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const chunk of text.split(/^(?=### )/m)) {
    const heading = /^### `([^`]+)`\s*$/m.exec(chunk.split('\n')[0] ?? '');
    if (heading) found.set(heading[1]!, chunk);
  }
  return found;
}

/** First cells of a section's table rows, with their backticks removed. */
function firstCells(text: string): string[] {
  return [...text.matchAll(/^\|\s*`?([^`|]+?)`?\s*\|/gm)].map((m) => m[1]!);
}

function payloadFields(schema: unknown): string[] {
  const payload = (schema as { properties: { payload: { properties: Record<string, unknown> } } }).properties.payload;
  return Object.keys(payload.properties);
}

const clientSection = eventSections(section('Client → server events'));
const serverSection = eventSections(section('Server → client events'));

describe('API_CONTRACT.md', () => {
  it('has a heading for every client event, in the client section', () => {
    expect([...clientSection.keys()].sort()).toEqual([...CLIENT_EVENT_TYPES].sort());
  });

  it('has a heading for every server event, in the server section', () => {
    expect([...serverSection.keys()].sort()).toEqual([...SERVER_EVENT_TYPES].sort());
  });

  it('has no event heading for an event the protocol does not define', () => {
    const everywhere = [...eventSections(contract).keys()].sort();
    expect(everywhere).toEqual([...CLIENT_EVENT_TYPES, ...SERVER_EVENT_TYPES].sort());
  });

  it('lists every payload field of every event in its section', () => {
    const events = [
      ...Object.entries(ClientEvents).map(([type, schema]) => [type, schema, clientSection.get(type)] as const),
      ...Object.entries(ServerEvents).map(([type, schema]) => [type, schema, serverSection.get(type)] as const),
    ];
    for (const [type, schema, text] of events) {
      // `message` carries a Message as its payload; its fields are in the Message table.
      const body = type === 'message' ? section('Data types') : text!;
      const fields = payloadFields(schema);
      if (fields.length === 0) expect(body, type).toContain('`{}`');
      for (const field of fields) expect(firstCells(body), `${type}.${field}`).toContain(field);
    }
  });

  it('lists exactly the error codes in its error table', () => {
    expect(firstCells(section('Error codes')).filter((c) => c !== 'Code' && !/^-+$/.test(c)).sort()).toEqual(
      [...ERROR_CODES].sort(),
    );
  });

  it('lists every close code with its name', () => {
    const rows = section('Connection lifecycle');
    for (const [name, code] of Object.entries(CloseCode)) expect(rows).toMatch(new RegExp(`^\\| ${code} +\\| \`${name}\``, 'm'));
  });

  it('gives every limit with its value', () => {
    const table = section('Limits');
    for (const [name, value] of Object.entries(limits)) expect(table).toMatch(new RegExp(`^\\| \`${name}\` \\| ${value} \\|`, 'm'));
  });

  it('keeps a section for the server limits', () => {
    expect(section('Server limits')).toContain('server configuration');
  });

  it('shows in its example session only frames of the protocol, and refusals as the parser makes them', () => {
    const lines = [...contract.matchAll(/^([→←]) (\{.*\})$/gm)].map(([, arrow, text]) => ({ arrow, text: text! }));
    expect(lines.length).toBeGreaterThan(20);
    const parseLevel: string[] = ['invalid_json', 'invalid_frame', 'unknown_type', 'invalid_payload', 'content_empty', 'content_too_long'];
    lines.forEach(({ arrow, text }, i) => {
      if (arrow === '←') {
        const result = parseServerEvent(text, { strict: true });
        expect(result.ok ? 'ok' : result.error, text).toBe('ok');
        return;
      }
      const answer = lines.slice(i + 1).find((line) => line.arrow === '←');
      const refusal = answer && (JSON.parse(answer.text) as { type: string; payload: { code?: string } });
      const result = parseClientEvent(text);
      if (refusal?.type === 'error' && parseLevel.includes(refusal.payload.code!)) {
        expect(result.ok ? 'ok' : { ...result.error, id: undefined }, text).toEqual({ ...refusal.payload, id: undefined });
      } else {
        expect(result.ok ? 'ok' : result.error, text).toBe('ok');
      }
    });
  });
});
