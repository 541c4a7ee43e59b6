// Operator command: a consistent copy of the live database, taken while the server runs (`npm run backup -- --out FILE`).
import { parseArgs } from 'node:util';
import { defaults } from './config.js';
import { backupDatabase } from './store/sqlite/backup.js';

const USAGE = 'Usage: npm run backup -- --out FILE [--db PATH]   (PATH: HEARTH_DB, default data/hearth.db)\n';

const { values } = parseArgs({ options: { out: { type: 'string' }, db: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
if (process.env.HEARTH_DATABASE) {
  process.stderr.write('HEARTH_DATABASE names a PostgreSQL database: back it up with pg_dump. This command copies SQLite files.\n');
  process.exitCode = 2;
} else if (values.help === true || values.out === undefined) {
  process.stdout.write(USAGE);
  process.exitCode = values.help === true ? 0 : 2;
} else {
  const source = values.db ?? (process.env.HEARTH_DB || defaults.dbPath);
  try {
    const report = await backupDatabase(source, values.out);
    process.stdout.write(`Backed up ${source} to ${values.out}: ${report.users} users, ${report.messages} messages, integrity ${report.integrity}\n`);
    if (report.integrity !== 'ok') process.exitCode = 1;
  } catch (error) {
    process.stderr.write(`Backup failed: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
