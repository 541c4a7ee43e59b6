// Operator command: a consistent copy of the live database and its files, taken while the server runs
// (`npm run backup -- --out FILE`).
import { existsSync } from 'node:fs';
import { commandArgs, defaults, type Config } from './config.js';
import { copyFilesNamedIn } from './files/copy-named.js';
import { DiskBlobStore } from './files/disk-store.js';
import { diskFolder } from './files/open-blob-store.js';
import { backupDatabase } from './store/sqlite/backup.js';

const USAGE = `Usage: npm run backup -- --out FILE [--files-out DIR] [--db PATH] [--files DIR]

  --out FILE       the copy of the database; it must not exist yet
  --files-out DIR  where the copies of the files go (default FILE.files); it must not exist yet
  --db PATH        the SQLite file (HEARTH_DB, default data/hearth.db)
  --files DIR      the server's folder of files, when it was started with one (HEARTH_FILES, default the folder
                   files beside the database)
`;

let read;
try {
  read = commandArgs(process.argv.slice(2), process.env, ['out', 'files-out']);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
  process.exitCode = 2;
}
if (read !== undefined) {
  const config: Config = { ...defaults, ...read.options };
  const { out, 'files-out': filesOut } = read.own;
  if (config.database !== '') {
    process.stderr.write('The server keeps its chat in PostgreSQL: back it up with pg_dump. This command copies SQLite files.\n');
    process.exitCode = 2;
  } else if (read.help || out === undefined) {
    process.stdout.write(USAGE);
    process.exitCode = read.help ? 0 : 2;
  } else {
    await backup(config, out, filesOut ?? `${out}.files`).catch((error: unknown) => {
      process.stderr.write(`Backup failed: ${(error as Error).message}\n`);
      process.exitCode = 1;
    });
  }
}

async function backup(config: Config, out: string, filesOut: string): Promise<void> {
  const folder = diskFolder(config);
  // Checked before the database is copied, so a refusal leaves nothing half done.
  if (folder !== undefined && existsSync(filesOut)) throw new Error(`${filesOut} exists already; choose a new folder with --files-out`);
  const report = await backupDatabase(config.dbPath, out);
  process.stdout.write(`Backed up ${config.dbPath} to ${out}: ${report.users} users, ${report.messages} messages, integrity ${report.integrity}\n`);
  if (report.integrity !== 'ok') process.exitCode = 1;
  if (folder === undefined) {
    process.stdout.write(`Files are kept in ${config.files}, which this command does not copy: back the bucket up with your S3 tools (versioning, replication, or aws s3 sync).\n`);
    return;
  }
  // After the database, the blobs its copy names: uploads begun since are left out with their rows. A picture the copy
  // has as not prepared yet may be read prepared or not; a server started on the copy prepares it (again) before
  // anyone else may download it, so its metadata never gets out either way.
  const files = await copyFilesNamedIn(out, await DiskBlobStore.reading(folder), await DiskBlobStore.open(filesOut));
  process.stdout.write(`Copied ${files.copied} files and thumbnails from ${folder} to ${filesOut}\n`);
  if (files.missing.length > 0) {
    // Deleting a message removes its files' bytes within a second or so, so one deleted after the copy was taken is named but gone.
    process.stdout.write(`${files.missing.length} files the copy names were gone from ${folder} (their messages deleted while the backup ran): not copied\n`);
  }
}
