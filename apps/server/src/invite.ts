// Operator command: prints a fresh invite link, e.g. when the first one is lost. Safe while the server runs.
import { INVITE_TTL_DEFAULT_S } from '@hearth/protocol';
import { configFromArgs, defaults } from './config.js';
import { Links, publicBase } from './links.js';
import { Directory } from './domain/directory.js';
import { Invites } from './domain/invites.js';
import { exitExplaining } from './start-error.js';
import { openStore } from './store/open-store.js';

const options = configFromArgs(process.argv.slice(2), process.env);
if (options !== null) {
  const config = { ...defaults, ...options };
  const store = await openStore(config).catch(exitExplaining);
  const { code } = await new Invites(store, new Directory()).create(null, INVITE_TTL_DEFAULT_S, 1);
  await store.close();
  process.stdout.write(`${new Links(publicBase(config, config.port)).invite(code)}\n`);
}
