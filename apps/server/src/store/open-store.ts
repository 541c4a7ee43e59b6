import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { postgresStartError, sqliteStartError } from '../start-error.js';
import { SqliteDatabase } from './sqlite/database.js';
import { Store } from './store.js';

/**
 * The store the options name: PostgreSQL at `database` when given, else the SQLite file at `dbPath`. A database that
 * cannot be reached or opened is a StartError, saying which and why.
 */
export async function openStore(config: Pick<Config, 'database' | 'dbPath' | 'synchronous'>, log?: Pick<Logger, 'warn'>): Promise<Store> {
  if (config.database === '') {
    try {
      return await Store.over(SqliteDatabase.open(config.dbPath, config.synchronous, log));
    } catch (error) {
      throw sqliteStartError(config.dbPath, error);
    }
  }
  // Loaded only when asked for: a server on SQLite never loads the PostgreSQL driver.
  const { PostgresDatabase } = await import('./postgres/database.js');
  try {
    return await Store.over(await PostgresDatabase.open(config.database));
  } catch (error) {
    throw postgresStartError(config.database, error);
  }
}
