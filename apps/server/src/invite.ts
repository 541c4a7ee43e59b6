// Operator command: prints a fresh invite link, e.g. when the first one is lost. Safe while the server runs.
import { configFromArgs, defaults } from './config.js';
import { inviteUrl } from './context.js';
import { openDatabase } from './db/open.js';
import { Directory } from './domain/directory.js';
import { Invites } from './domain/invites.js';

const options = configFromArgs(process.argv.slice(2), process.env);
if (options !== null) {
  const config = { ...defaults, ...options };
  const db = openDatabase(config.dbPath, config.synchronous);
  const code = new Invites(db, new Directory()).create(null);
  db.$client.close();
  const publicUrl = (config.publicUrl || `http://localhost:${config.port}`).replace(/\/+$/, '');
  process.stdout.write(`${inviteUrl({ publicUrl }, code)}\n`);
}
