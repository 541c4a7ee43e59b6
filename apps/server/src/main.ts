import { startServer } from './app.js';
import { configFromArgs } from './config.js';

const options = configFromArgs(process.argv.slice(2), process.env);
if (options !== null) {
  process.env.NODE_ENV ??= 'production';
  const server = await startServer(options);
  if (server.firstInviteUrl !== null) {
    process.stdout.write(`\nHearth is running at ${server.publicUrl}\nNobody has joined yet. Invite: ${server.firstInviteUrl}\n\n`);
  } else {
    process.stdout.write(`\nHearth is running at ${server.publicUrl}\n\n`);
  }
  let stopping = false;
  const stop = (signal: string) => {
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
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}
