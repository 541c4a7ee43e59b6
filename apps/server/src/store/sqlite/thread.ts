import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * A thread of its own with its own connection to the database file: `script` runs with `db`, opened with `options`,
 * and `parentPort`. Plain JavaScript evaluated as the worker's script, so that it needs no build of its own. The
 * thread is unreferenced: an idle one keeps no process alive.
 */
export function sqliteThread(path: string, options: { readonly?: boolean; fileMustExist?: boolean }, script: string): Worker {
  const driver = createRequire(import.meta.url).resolve('better-sqlite3');
  const header = `const { parentPort, workerData } = require('node:worker_threads');
const db = new (require(workerData.driver))(workerData.path, workerData.options);
`;
  const worker = new Worker(header + script, { eval: true, workerData: { path, driver, options } });
  worker.unref();
  return worker;
}
