// The floor for a Node WebSocket chat: our frame shapes, rooms in memory, no validation, no storage.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { announce, listenArgs, parseToken } from './args.js';

interface Member {
  userId: number;
  rooms: Set<WebSocket>[];
}

const rooms = new Map<number, Set<WebSocket>>();
const members = new WeakMap<WebSocket, Member>();
let lastId = 0;

const http = createServer();
const wss = new WebSocketServer({ server: http });
wss.on('connection', onConnection);

function onConnection(ws: WebSocket): void {
  ws.on('message', (data) => onFrame(ws, data));
  ws.on('close', () => onClose(ws));
}

function onFrame(ws: WebSocket, data: RawData): void {
  const frame = JSON.parse(data.toString()) as { type: string; payload: Record<string, unknown>; id?: string };
  const member = members.get(ws);
  if (member === undefined) return frame.type === 'auth' ? onAuth(ws, String(frame.payload.token), frame.id) : ws.close();
  if (frame.type === 'send_message') return onSend(ws, member, frame.payload, frame.id);
  if (frame.type === 'ping') ws.send(JSON.stringify({ type: 'pong', payload: {}, id: frame.id }));
}

function onAuth(ws: WebSocket, token: string, id: string | undefined): void {
  const { userId, rooms: joined } = parseToken(token);
  const member: Member = { userId, rooms: [] };
  members.set(ws, member);
  for (const room of joined) {
    let set = rooms.get(room);
    if (set === undefined) rooms.set(room, (set = new Set()));
    set.add(ws);
    member.rooms.push(set);
  }
  const user = { id: userId, nickname: `u${userId}` };
  const payload = { user, conversations: [], online_users: [], users: [], last_message_id: 0 };
  ws.send(JSON.stringify({ type: 'auth_ok', payload, id }));
}

function onSend(ws: WebSocket, member: Member, input: Record<string, unknown>, id: string | undefined): void {
  const message = {
    id: ++lastId,
    conversation_id: input.conversation_id,
    user_id: member.userId,
    content: input.content,
    client_id: input.client_id,
    created_at: Math.floor(Date.now() / 1000),
  };
  ws.send(JSON.stringify({ type: 'message', payload: message, id }));
  const frame = Buffer.from(JSON.stringify({ type: 'message', payload: message }));
  for (const other of rooms.get(Number(input.conversation_id)) ?? []) if (other !== ws) other.send(frame, { binary: false });
}

function onClose(ws: WebSocket): void {
  for (const set of members.get(ws)?.rooms ?? []) set.delete(ws);
}

const { port, host } = listenArgs();
http.listen(port, host, () => {
  announce((http.address() as AddressInfo).port, () => {
    for (const ws of wss.clients) ws.terminate();
    http.close(() => process.exit(0));
  });
});
