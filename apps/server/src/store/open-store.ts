import type { Config } from '../config.js';
import { postgresStartError, sqliteStartError } from '../start-error.js';
import { SqliteStore } from './sqlite/store.js';
import type { Store } from './store.js';

/**
 * The store the options name: PostgreSQL at `database` when given, else the SQLite file at `dbPath`. A database that
 * cannot be reached or opened is a StartError, saying which and why.
 */
export async function openStore(config: Pick<Config, 'database' | 'dbPath' | 'synchronous'>): Promise<Store> {
  if (config.database === '') {
    try {
      return SqliteStore.open(config.dbPath, config.synchronous);
    } catch (error) {
      throw sqliteStartError(config.dbPath, error);
    }
  }
  // Loaded only when asked for: a server on SQLite never loads the PostgreSQL driver.
  const { PostgresStore } = await import('./postgres/store.js');
  try {
    return await PostgresStore.open(config.database);
  } catch (error) {
    throw postgresStartError(config.database, error);
  }
}
