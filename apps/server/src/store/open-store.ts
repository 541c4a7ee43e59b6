import type { Config } from '../config.js';
import { SqliteStore } from './sqlite/store.js';
import type { Store } from './store.js';

/** The store the options name: PostgreSQL at `database` when given, else the SQLite file at `dbPath`. */
export async function openStore(config: Pick<Config, 'database' | 'dbPath' | 'synchronous'>): Promise<Store> {
  if (config.database === '') return SqliteStore.open(config.dbPath, config.synchronous);
  // Loaded only when asked for: a server on SQLite never loads the PostgreSQL driver.
  const { PostgresStore } = await import('./postgres/store.js');
  return PostgresStore.open(config.database);
}
