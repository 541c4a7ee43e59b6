import { ChatClient, redeemInvite } from '@hearth/client';
import WebSocket from 'ws';
import type { TestServer } from './server.js';

/** Someone chatting from a program rather than a browser: seeds history and talks while others are away. */
export async function bot(
  server: TestServer,
  nickname: string,
): Promise<{ client: ChatClient; lobbyId: number; userId: number; nickname: string }> {
  const { user, token } = await redeemInvite(await server.invite(), nickname);
  const client = new ChatClient({ url: server.wsUrl, token, WebSocket });
  await client.connect();
  const lobby = client.session?.conversations.find((c) => c.type === 'lobby');
  if (lobby === undefined) throw new Error('No lobby in auth_ok');
  return { client, lobbyId: lobby.id, userId: user.id, nickname };
}
