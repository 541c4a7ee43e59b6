// The usual choice: a Socket.IO chat with rooms in memory, acknowledgements by callback, no storage.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { announce, listenArgs, parseToken } from './args.js';

interface SendInput {
  conversation_id: number;
  content: string;
  client_id: string;
}

let lastId = 0;

const http = createServer();
const io = new Server(http, { serveClient: false });

io.use((socket, next) => {
  const { userId, rooms } = parseToken(String(socket.handshake.auth.token ?? ''));
  socket.data.userId = userId;
  void socket.join(rooms.map((room) => `c${room}`));
  next();
});

io.on('connection', (socket: Socket) => {
  socket.on('send_message', (input: SendInput, ack?: (message: unknown) => void) => {
    const message = {
      id: ++lastId,
      conversation_id: input.conversation_id,
      user_id: socket.data.userId as number,
      content: input.content,
      client_id: input.client_id,
      created_at: Math.floor(Date.now() / 1000),
    };
    ack?.(message);
    socket.to(`c${input.conversation_id}`).emit('message', message);
  });
});

const { port, host } = listenArgs();
http.listen(port, host, () => {
  announce((http.address() as AddressInfo).port, () => {
    io.disconnectSockets(true);
    void io.close(() => process.exit(0));
  });
});
