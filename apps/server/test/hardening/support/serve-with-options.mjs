// Runs the built server with options the command line does not offer (limits), given as JSON in argv[2].
// A line "memory" on stdin is answered with the heap and Buffer bytes still reachable after a full collection.
import { createInterface } from 'node:readline';
import { startServer } from '../../../dist/app.js';

const server = await startServer(JSON.parse(process.argv[2]));
process.stdout.write(`listening ${server.port} ${await server.createInvite()}\n`);
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line !== 'memory') return;
  globalThis.gc?.();
  const { heapUsed, arrayBuffers, rss } = process.memoryUsage();
  process.stdout.write(`memory ${JSON.stringify({ heapUsed, arrayBuffers, rss })}\n`);
});
process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
