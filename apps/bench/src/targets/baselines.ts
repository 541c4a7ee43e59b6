import { fileURLToPath } from 'node:url';
import { baselineToken } from '../baselines/args.js';
import { startNode } from './process.js';
import type { Populated, Target, World } from './target.js';

const LOBBY = 1;

/** Baselines keep no accounts: each token lists the user's rooms, numbered as our server would number them. */
function populate(world: World): Populated {
  const tokens = Array.from({ length: world.users }, (_, i) => {
    const rooms = world.dms ? [LOBBY, 2 + Math.floor(i / 2)] : [LOBBY];
    return baselineToken(i + 1, rooms);
  });
  const dmIds = world.dms ? Array.from({ length: Math.floor(world.users / 2) }, (_, k) => 2 + k) : [];
  return { tokens, userIds: tokens.map((_, i) => i + 1), lobbyId: LOBBY, dmIds, firstMessageId: 0, lastMessageId: 0 };
}

function baseline(name: 'ws' | 'socketio', label: string, script: string): Target {
  const path = fileURLToPath(new URL(`../baselines/${script}`, import.meta.url));
  return {
    name,
    label,
    wire: name === 'ws' ? 'json' : 'socketio',
    async start(world) {
      const server = await startNode(path, ['--port', '0', '--host', '127.0.0.1'], { NODE_ENV: 'production' }, /listening (\d+)/);
      return {
        running: { pids: [server.pid], urls: [`ws://127.0.0.1:${server.port}`], backing: () => [], stop: server.stop },
        populated: populate(world),
      };
    },
  };
}

export const rawWs = baseline('ws', 'raw ws', 'ws-server.js');
export const socketIo = baseline('socketio', 'Socket.IO', 'socketio-server.js');
