// A load generator process, started by the coordinator with fork() and pinned to its own core, so no load is
// generated on a server's event loop. It answers the coordinator's requests over IPC.
import { Loader } from './loader.js';
import type { Envelope, Reply, Request } from './messages.js';

const loader = new Loader(process.argv[2] ?? '0');

async function handle(request: Request): Promise<unknown> {
  switch (request.cmd) {
    case 'connect':
      return loader.connect(request);
    case 'run':
      return loader.run(request);
    case 'stats':
      return loader.stats(request.step);
    case 'history':
      return loader.history(request);
    case 'search':
      return loader.search(request);
    case 'close':
      return loader.close();
    default:
      return assertNever(request);
  }
}

function assertNever(value: never): never {
  throw new Error(`Unknown request ${JSON.stringify(value)}`);
}

process.on('message', (message: Envelope) => {
  handle(message.request).then(
    (result) => process.send!({ seq: message.seq, result } satisfies Reply),
    (error: unknown) => process.send!({ seq: message.seq, error: String(error) } satisfies Reply),
  );
});
process.on('disconnect', () => process.exit(0));
