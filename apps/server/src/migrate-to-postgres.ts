// Operator command: moves a chat from its SQLite file into a new PostgreSQL database, keeping every id, every
// device's session and the change log, so clients carry on where they were, and its files into S3 when asked
// (`npm run migrate-to-postgres -- --to URL [--files s3://bucket/prefix]`).
import { dirname, join, resolve } from 'node:path';
import { commandArgs, defaults, type Config } from './config.js';
import type { BlobStore } from './files/blob-store.js';
import { copyFilesNamedIn } from './files/copy-named.js';
import { DiskBlobStore } from './files/disk-store.js';
import { diskFolder, openBlobStore } from './files/open-blob-store.js';
import { withoutPassword } from './start-error.js';
import { checkSqliteToPostgres, copySqliteToPostgres, type CopyReport } from './store/postgres/copy-from-sqlite.js';

const USAGE = `Usage: npm run migrate-to-postgres -- --to URL [--from PATH] [--files s3://bucket/prefix [S3 options]]

  --to URL          the PostgreSQL database to move into, postgres://user:password@host:5432/name (HEARTH_DATABASE);
                    it must exist and hold no chat yet
  --from PATH       the SQLite file to move (HEARTH_DB, default data/hearth.db); it is only read
  --from-files DIR  the folder its files are in (default the folder files beside it); it is only read
  --files URL       where the server on PostgreSQL is to keep files: s3://bucket/prefix (HEARTH_FILES), with
                    --files-endpoint, --files-region, --files-access-key-id and --files-secret-access-key as the
                    server takes them (prefer HEARTH_FILES_SECRET_ACCESS_KEY or AWS_*: flags show in ps). Every
                    file is copied there; one there already is not copied again, so running the command again after
                    it was cut off finishes the job. Without it, the files stay in their folder.

Stop the server first, and take a backup (npm run backup). Then start the server with --database URL, and --files.
`;

type Options = { from: string; fromFiles: string; to: string; config: Config } | { help: true } | { error: string };

const options = readOptions(process.argv.slice(2), process.env);
if ('help' in options) {
  process.stdout.write(USAGE);
} else if ('error' in options) {
  process.stderr.write(`${options.error}\n\n${USAGE}`);
  process.exitCode = 2;
} else {
  await migrate(options);
}

/** The command's own options, and the server's (the files' store, its credentials) read as the server reads them. */
function readOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  let read;
  try {
    read = commandArgs(argv, env, ['from', 'to', 'from-files']);
  } catch (error) {
    return { error: (error as Error).message };
  }
  if (read.help) return { help: true };
  const config: Config = { ...defaults, ...read.options };
  const to = read.own.to ?? config.database;
  if (to === '') return { error: 'Name the PostgreSQL database to move into with --to (or HEARTH_DATABASE).' };
  if (!/^postgres(ql)?:\/\//.test(to) || !URL.canParse(to)) return { error: '--to must be a postgres:// URL' };
  const from = read.own.from ?? config.dbPath;
  return { from, fromFiles: resolve(read.own['from-files'] ?? join(dirname(resolve(from)), 'files')), to, config };
}

/**
 * Checks both databases first, then copies the files, then the database: the files are copied again only where they
 * are missing, and the database in one transaction, so a run cut off anywhere is finished by running it again; once
 * the database is copied, the next run is refused before anything is done.
 */
async function migrate({ from, fromFiles, to, config }: Extract<Options, { to: string }>): Promise<void> {
  const shown = withoutPassword(to);
  const moveTo = config.files === '' || diskFolder(config) === fromFiles ? undefined : config.files;
  let stores: { source: BlobStore; target: BlobStore } | undefined;
  try {
    await checkSqliteToPostgres(from, to);
    if (moveTo !== undefined) stores = { source: await DiskBlobStore.reading(fromFiles), target: await openBlobStore(config) };
  } catch (error) {
    return fail(`Nothing was copied: ${(error as Error).message}`);
  }
  if (stores !== undefined) {
    try {
      const files = await copyFilesNamedIn(from, stores.source, stores.target);
      const before = files.present > 0 ? ` (${files.present} more were there already)` : '';
      process.stdout.write(`Copied ${files.copied} files and thumbnails from ${fromFiles} to ${moveTo}${before}.\n`);
      if (files.missing.length > 0) process.stdout.write(`${files.missing.length} files the database names were not in ${fromFiles}: not copied.\n`);
    } catch (error) {
      return fail(`Not every file was copied, and the database was not: ${(error as Error).message}\nRun the command again to finish: the files copied are not copied twice.`);
    } finally {
      await stores.target.close();
    }
  }
  try {
    const report = await copySqliteToPostgres(from, to);
    process.stdout.write(`Copied ${summary(report)} from ${from} to ${shown}.\n`);
    if (moveTo === undefined) {
      const count = report.find(({ table }) => table === 'files')?.rows ?? 0;
      process.stdout.write(`The ${count} files stay in ${fromFiles}: the server on PostgreSQL must be started with that folder.\n`);
    }
    process.stdout.write(`Start the server with --database ${shown} --files ${moveTo ?? fromFiles}\n`);
  } catch (error) {
    const message = (error as Error).message;
    fail(stores === undefined ? `Nothing was copied: ${message}` : `The files were copied, but the database was not: ${message}\nRun the command again to finish.`);
  }
}

function fail(message: string): void {
  process.stderr.write(`${message}\n`);
  process.exitCode = 1;
}

/** "12 users, 3,401 messages, …": every table, in the order copied. */
function summary(report: CopyReport): string {
  return report.map(({ table, rows }) => `${rows.toLocaleString('en-US')} ${table.replace(/_/g, ' ')}`).join(', ');
}
