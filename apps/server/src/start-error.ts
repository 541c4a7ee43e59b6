/**
 * Why the server, or an operator command, cannot start: something about the machine or the configuration that the
 * operator can put right (a port in use, a database that is not there), told in one line rather than as a stack
 * trace. Anything else stays an error with its stack.
 */
export class StartError extends Error {
  override readonly name = 'StartError';
}

/** Tells a StartError on stderr and exits 1; any other error is thrown on. */
export function exitExplaining(error: unknown): never {
  if (!(error instanceof StartError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

/** A URL as it may be shown on a terminal or in a log: its password masked. */
export function withoutPassword(url: string): string {
  const shown = new URL(url);
  if (shown.password !== '') shown.password = '***';
  if (shown.searchParams.has('password')) shown.searchParams.set('password', '***');
  return shown.href;
}

/** System errors of reaching a server over the network: the address, or the server, is wrong or away. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

const POSTGRES_HINTS: Record<string, string> = {
  ECONNREFUSED: 'is PostgreSQL running there?',
  '28P01': 'check the user name and password in the URL',
  '28000': 'check the user name in the URL, and that pg_hba.conf lets it in',
};

/** A PostgreSQL database that cannot be reached or used, as a StartError; anything else as it was. */
export function postgresStartError(url: string, error: unknown): unknown {
  const code = codeOf(error);
  // Class 08 is a connection failure, 28 a refused sign-in, 3D000 a database that does not exist.
  if (code === undefined || !(UNREACHABLE.has(code) || code.startsWith('08') || code.startsWith('28') || code === '3D000')) return error;
  const hint = code === '3D000' ? `create it first (createdb ${decodeURIComponent(new URL(url).pathname.slice(1))})` : POSTGRES_HINTS[code];
  return new StartError(`The PostgreSQL database ${withoutPassword(url)} cannot be used: ${messageOf(error)}${hint === undefined ? '' : `; ${hint}`}`);
}

/** A Redis server that cannot be reached, as a StartError; anything else as it was. */
export function redisStartError(url: string, error: unknown): unknown {
  const code = codeOf(error);
  if (code === undefined || !UNREACHABLE.has(code)) return error;
  const hint = code === 'ECONNREFUSED' ? '; is Redis running there?' : '';
  return new StartError(`The bus ${withoutPassword(url)} cannot be reached: ${messageOf(error)}${hint}`);
}

/** A SQLite file that cannot be opened or is not a database, as a StartError; anything else as it was. */
export function sqliteStartError(path: string, error: unknown): unknown {
  const code = codeOf(error);
  if (code === undefined || !/^SQLITE_(CANTOPEN|NOTADB|READONLY|PERM|CORRUPT|BUSY|LOCKED)/.test(code)) return error;
  return new StartError(`The database file ${path} cannot be opened: ${messageOf(error)}`);
}

/** A port the server cannot listen on, as a StartError; anything else as it was. */
export function listenStartError(host: string, port: number, error: unknown): unknown {
  switch (codeOf(error)) {
    case 'EADDRINUSE':
      return new StartError(`Port ${port} is in use on ${host}: another server is listening there. Stop it, or choose another port with --port.`);
    case 'EACCES':
      return new StartError(`Port ${port} needs privileges this user does not have: choose one above 1023 with --port, behind a proxy.`);
    case 'EADDRNOTAVAIL':
      return new StartError(`${host} is not an address of this machine: choose another with --host.`);
    default:
      return error;
  }
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Its message; a refusal from every address of a host name (an AggregateError) has only a code. */
function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)) || (codeOf(error) ?? 'unknown error');
}
