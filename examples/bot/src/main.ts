// Runs the example bot: HEARTH_URL=http://localhost:3000 HEARTH_TOKEN=<token> npm start -w @hearth/example-bot
import { ChatClient, ChatError, wsUrlFor } from '@hearth/client';
import WebSocket from 'ws';
import { runBot } from './bot.js';

const { HEARTH_URL, HEARTH_TOKEN } = process.env;
if (!HEARTH_URL || !HEARTH_TOKEN) {
  console.error('Set HEARTH_URL (e.g. http://localhost:3000) and HEARTH_TOKEN (from: npm run bot -- --invite <link> --nickname <name>)');
  process.exit(2);
}

const client = new ChatClient({ url: wsUrlFor(HEARTH_URL), token: HEARTH_TOKEN, WebSocket });
runBot(client);
client.onStateChange((state) => console.log(`[bot] ${state}`));
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => client.close());

try {
  await client.connect();
  console.log(`[bot] signed in as ${client.session?.user.nickname}`);
} catch (error) {
  if (!(error instanceof ChatError)) throw error;
  console.error(`[bot] cannot sign in: ${error.message} (${error.code})`);
  process.exitCode = 1;
}
