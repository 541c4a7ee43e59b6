import { startServer, type RunningServer } from './app.js';
import { configFromArgs } from './config.js';
import { exitExplaining } from './start-error.js';

const options = configFromArgs(process.argv.slice(2), process.env);
if (options !== null) {
  process.env.NODE_ENV ??= 'production';
  const server = await startServer(options).catch(exitExplaining);
  // Handlers go in before anything is printed: a supervisor may signal as soon as it sees the output.
  process.on('SIGTERM', () => stop(server, 'SIGTERM'));
  process.on('SIGINT', () => stop(server, 'SIGINT'));
  const invite = server.firstInviteUrl === null ? '' : `Nobody has joined yet. Invite: ${server.firstInviteUrl}\n`;
  process.stdout.write(`\nHearth is running at ${server.publicUrl}\n${invite}\n`);
}

let stopping = false;

/** Stops accepting, closes every connection, then the database; exits 0 when all is closed. */
function stop(server: RunningServer, signal: string): void {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`${signal}: shutting down\n`);
  server.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
