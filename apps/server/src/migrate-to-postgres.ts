// Operator command: moves a chat from its SQLite file into a new PostgreSQL database, keeping every id, every
// device's session and the change log, so clients carry on where they were (`npm run migrate-to-postgres -- --to URL`).
import { parseArgs } from 'node:util';
import { defaults } from './config.js';
import { withoutPassword } from './start-error.js';
import { copySqliteToPostgres, type CopyReport } from './store/postgres/copy-from-sqlite.js';

const USAGE = `Usage: npm run migrate-to-postgres -- --to URL [--from PATH]

  --to URL     the PostgreSQL database to move into, postgres://user:password@host:5432/name (HEARTH_DATABASE);
               it must exist and hold no chat yet
  --from PATH  the SQLite file to move (HEARTH_DB, default data/hearth.db); it is only read

Stop the server first, and take a backup (npm run backup). Then start the server with --database URL.
`;

type Options = { from: string; to: string } | { help: true } | { error: string };

const options = readOptions(process.argv.slice(2), process.env);
if ('help' in options) {
  process.stdout.write(USAGE);
} else if ('error' in options) {
  process.stderr.write(`${options.error}\n\n${USAGE}`);
  process.exitCode = 2;
} else {
  await migrate(options.from, options.to);
}

function readOptions(argv: string[], env: NodeJS.ProcessEnv): Options {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { from: { type: 'string' }, to: { type: 'string' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (error) {
    return { error: (error as Error).message };
  }
  if (values.help === true) return { help: true };
  const to = values.to ?? env.HEARTH_DATABASE ?? '';
  if (to === '') return { error: 'Name the PostgreSQL database to move into with --to (or HEARTH_DATABASE).' };
  if (!/^postgres(ql)?:\/\//.test(to) || !URL.canParse(to)) return { error: '--to must be a postgres:// URL' };
  return { from: values.from ?? (env.HEARTH_DB || defaults.dbPath), to };
}

async function migrate(from: string, to: string): Promise<void> {
  const shown = withoutPassword(to);
  try {
    const report = await copySqliteToPostgres(from, to);
    process.stdout.write(`Copied ${summary(report)} from ${from} to ${shown}.\nStart the server with --database ${shown}\n`);
  } catch (error) {
    process.stderr.write(`Nothing was copied: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}

/** "12 users, 3,401 messages, …": every table, in the order copied. */
function summary(report: CopyReport): string {
  return report.map(({ table, rows }) => `${rows.toLocaleString('en-US')} ${table.replace(/_/g, ' ')}`).join(', ');
}
