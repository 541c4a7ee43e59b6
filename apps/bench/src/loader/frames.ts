// What load generators say and how they read replies, for both wires: our JSON frames (spoken by our server and the
// raw ws baseline) and Socket.IO's (engine.io packet type, socket.io packet type, then JSON).
// Replies are sorted by their first bytes and stamps are read straight from the buffer, without JSON.parse,
// so a load generator can keep up with a server for as long as possible.

export type Wire = 'json' | 'socketio';

export const Kind = {
  Other: 0,
  /** A message sent by another client. */
  Delivery: 1,
  /** The acknowledgement of one of our own sends. */
  Ack: 2,
  History: 3,
  Error: 4,
  Ping: 5,
  Search: 6,
} as const;
export type Kind = (typeof Kind)[keyof typeof Kind];

const B = (text: string) => text.charCodeAt(0);
const JSON_TYPE_AT = '{"type":"'.length;
const REQUEST_ID = Buffer.from(',"id":"');
const CONTENT = Buffer.from('"content":"');
const PIPE = B('|');
const ZERO = B('0');
const NINE = B('9');

export function classify(wire: Wire, frame: Buffer): Kind {
  if (wire === 'json') {
    const first = frame[JSON_TYPE_AT];
    if (first === B('m')) return frame.includes(REQUEST_ID) ? Kind.Ack : Kind.Delivery;
    if (first === B('h')) return Kind.History;
    if (first === B('s')) return Kind.Search;
    if (first === B('e')) return Kind.Error;
    return Kind.Other;
  }
  // Socket.IO over a WebSocket: "2" engine ping, "42[...]" event, "43<ack id>[...]" acknowledgement.
  if (frame.length === 1 && frame[0] === B('2')) return Kind.Ping;
  if (frame[0] !== B('4')) return Kind.Other;
  if (frame[1] === B('2')) return frame[4] === B('m') ? Kind.Delivery : Kind.Other;
  if (frame[1] === B('3')) return Kind.Ack;
  return Kind.Other;
}

/** Message content carries the step it was sent in and the send time: `<step>|<µs>|<text>`. */
export function content(step: number, sentMicros: number): string {
  return `${step}|${sentMicros}|the quick brown fox jumps over the lazy dog, twice over`;
}

export interface Stamp {
  step: number;
  sentMicros: number;
}

/** Reads the step and send time out of a message frame's content; null if it carries none. */
export function readStamp(frame: Buffer, into: Stamp): Stamp | null {
  let i = frame.indexOf(CONTENT);
  if (i < 0) return null;
  i += CONTENT.length;
  const step = readNumber(frame, i);
  if (step === null) return null;
  const micros = readNumber(frame, step.end + 1);
  if (micros === null) return null;
  into.step = step.value;
  into.sentMicros = micros.value;
  return into;
}

/** Reads decimal digits from `start` up to a `|`. */
function readNumber(frame: Buffer, start: number): { value: number; end: number } | null {
  let value = 0;
  for (let i = start; i < frame.length; i++) {
    const c = frame[i]!;
    if (c === PIPE) return i === start ? null : { value, end: i };
    if (c < ZERO || c > NINE) return null;
    value = value * 10 + c - ZERO;
  }
  return null;
}

export function sendFrame(wire: Wire, conversationId: number, text: string, clientId: string, seq: number): string {
  const payload = `{"conversation_id":${conversationId},"content":"${text}","client_id":"${clientId}"}`;
  if (wire === 'json') return `{"type":"send_message","payload":${payload},"id":"s${seq}"}`;
  return `42${seq}["send_message",${payload}]`;
}

/** A `search` request: its query and filters as our protocol has them. */
export interface SearchPayload {
  query: string;
  conversation_id?: number;
  user_id?: number;
}

export function searchFrame(payload: SearchPayload, seq: number): string {
  return JSON.stringify({ type: 'search', payload, id: `q${seq}` });
}

export function historyFrame(conversationId: number, before: number | undefined, limit: number, seq: number): string {
  const payload = before === undefined ? { conversation_id: conversationId, limit } : { conversation_id: conversationId, before, limit };
  return JSON.stringify({ type: 'load_history', payload, id: `h${seq}` });
}
