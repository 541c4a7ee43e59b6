import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Resolve } from './outbound/guard.js';
import { StartError } from './start-error.js';
import { MAX_FRAME_BYTES, MAX_PUSH_SUBSCRIPTIONS } from '@hearth/protocol';

const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Every server option, with its default. Flags and HEARTH_* environment variables override them. */
export const defaults = {
  /** TCP port for the web app, the invite API and the WebSocket. */
  port: 3000,
  /** Interface to listen on. */
  host: '0.0.0.0',
  /** SQLite database file; created on first start. */
  dbPath: `${repoRoot}data/hearth.db`,
  /** A PostgreSQL database (postgres://user@host/name) to keep everything in instead; '' means the SQLite file at dbPath. */
  database: '',
  /**
   * A Redis server (redis://host:6379[/db][?prefix=name]) through which several server processes on one PostgreSQL
   * database tell each other of changes, presence, typing and closed sessions, and share the limits per user and per
   * client address; '' means this process is alone.
   */
  bus: '',
  /** The address people open; invite links and the Origin check use it. Defaults to http://localhost:<port>. */
  publicUrl: '',
  /** Further origins allowed to open a WebSocket (comma-separated in the environment). */
  allowedOrigins: [] as string[],
  /** Addresses of reverse proxies in front of the server, whose X-Forwarded-For is believed for per-address limits. */
  trustedProxies: [] as string[],
  /**
   * A secret a scraper sends as `Authorization: Bearer <token>` to read /metrics from anywhere; once set, every
   * request needs it. With none, only a client on this machine (a loopback address, not through an untrusted proxy)
   * may read it.
   */
  metricsToken: '',
  /** The built web app to serve. */
  webDir: `${repoRoot}apps/web/dist`,
  /** pino level: fatal, error, warn, info, debug, trace or silent. */
  logLevel: 'info',
  /** SQLite `synchronous` in WAL mode: FULL survives a power cut, NORMAL only a process crash. Sends are committed in batches, so FULL costs little. */
  synchronous: 'FULL' as 'NORMAL' | 'FULL',
  /** The wait before an outgoing webhook is tried again; each later try waits four times longer (3 retries). */
  outgoingWebhookBackoffMs: 1_000,
  /** Whether a message's first link gets a preview, fetched through the outbound guard (consumers/previews.ts). */
  linkPreviews: 'on' as 'on' | 'off',
  /** A new connection must authenticate within this time. */
  authTimeoutMs: 5_000,
  /** WebSocket ping interval; a connection that misses one pong is dropped, so dead ones go within two intervals. */
  heartbeatMs: 25_000,
  /** Largest frame read from a client; larger closes the connection with 1009. */
  maxFrameBytes: MAX_FRAME_BYTES,
  /** Request tokens a connection gets per second on average, and in one burst: a request costs one, a page more (ws/cost.ts). */
  requestsPerSecond: 20,
  requestBurst: 40,
  /** Refused (rate-limited) requests in a row after which the connection is closed with 4005. */
  floodLimit: 50,
  /** Open authenticated connections per user (tabs, devices, bots). */
  maxConnectionsPerUser: 12,
  /** Connections that have not authenticated yet, server-wide. */
  maxUnauthenticated: 256,
  /**
   * Connections that have not authenticated yet from one group of client addresses (see the two prefixes below): its
   * share of the pool above, and of the places kept for tokens.
   */
  maxUnauthenticatedPerAddress: 16,
  /** Client addresses in one IPv4 prefix of this many bits share one share of the pool (32: each address its own). */
  unauthenticatedIpv4Prefix: 32,
  /** Client addresses in one IPv6 prefix of this many bits share one share of the pool (64: one subscriber's network). */
  unauthenticatedIpv6Prefix: 64,
  /**
   * Places of the pool kept for upgrades that present a valid token (`Authorization: Bearer`, or the subprotocol
   * `hearth.bearer.<token>`), so members sign in while many address groups together fill the rest. At most a
   * quarter of the pool is kept.
   */
  unauthenticatedReservedForTokens: 64,
  /** Messages one user may send per second on average, and in one burst, across all their connections. */
  sendsPerSecondPerUser: 10,
  sendBurstPerUser: 30,
  /**
   * Other requests that write one user may make per second on average, and in one burst, across all their
   * connections: read markers, notify levels, new DMs and groups, admins' acts, signing devices out, revoking invites.
   */
  writesPerSecondPerUser: 5,
  writeBurstPerUser: 30,
  /** Invites one user may make per minute on average, and in one burst, across all their connections. */
  invitesPerMinutePerUser: 10,
  inviteBurstPerUser: 10,
  /** Searches one user may make per second on average, and in one burst, across all their connections. */
  searchesPerSecondPerUser: 5,
  searchBurstPerUser: 20,
  /**
   * Reads one user may make per second on average, and in one burst, across all their connections: a catch-up,
   * history or search page costs one read per 50 rows it may return (a catch-up of 500 costs 10), before it is run.
   */
  readsPerSecondPerUser: 20,
  readBurstPerUser: 10,
  /** Invite redemptions per client address: per minute on average, and in one burst. */
  redeemsPerMinute: 6,
  redeemBurst: 6,
  /** Invite status checks (`GET /api/invites/<code>`) per client address: per minute on average, and in one burst. */
  inviteChecksPerMinute: 30,
  inviteCheckBurst: 20,
  /** Bytes queued to one connection before it counts as a slow consumer and is dropped (it can reconnect and catch up). */
  maxBufferedBytes: 4 * 1024 * 1024,
  /**
   * Where uploaded files' bytes are kept: a folder, or `s3://bucket/prefix` for an S3 bucket (what several processes
   * need, as they share no disk). '' means the folder `files` beside the SQLite database file.
   */
  files: '',
  /** An S3-compatible server's address (MinIO, Garage…) for `s3://` files; '' means AWS itself. */
  filesEndpoint: '',
  /** The S3 region. */
  filesRegion: 'us-east-1',
  /** S3 credentials; '' means the AWS SDK's own lookup (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, a profile, a role). */
  filesAccessKeyId: '',
  filesSecretAccessKey: '',
  /** Largest file one upload may be, in bytes; a larger one is refused with file_too_large (HTTP 413). */
  maxFileBytes: 25 * 1024 * 1024,
  /** Bytes of files one user may keep, sent or not; an upload past it is refused with storage_quota_exceeded (413). */
  storageQuotaBytes: 1024 * 1024 * 1024,
  /** Uploads one user may make per minute on average, and in one burst, across all their devices. */
  uploadsPerMinutePerUser: 30,
  uploadBurstPerUser: 20,
  /**
   * How often uploads never sent (after FILE_UNSENT_TTL_S, a day) are deleted, and files of deleted messages the
   * change-log consumer missed are looked for again.
   */
  fileSweepIntervalMs: 3_600_000,
  /** Changes older than this are trimmed from the change log; a client away longer reloads instead of catching up. */
  changeLogMaxAgeDays: 30,
  /** At most this many changes are kept in the log. */
  changeLogMaxRows: 1_000_000,
  /** How often the change log is trimmed. */
  changeLogTrimIntervalMs: 3_600_000,
  /** How push services may reach the operator (a mailto: or https: address); default the public URL when it is https. */
  pushContact: '',
  /** The older name of outboundAllowHosts, still read: its hosts are added to those. */
  insecurePushHosts: [] as string[],
  /**
   * Hosts the server may reach whatever address they resolve to, over http or https and on any port: a push relay on
   * the operator's own network, tests. Every other outbound request goes to a public address only (outbound/guard.ts).
   */
  outboundAllowHosts: [] as string[],
  /** Ports other hosts may be reached on. */
  outboundPorts: [443] as number[],
  /** Outbound requests (Web Push) at once, server-wide; at least 1. */
  outboundConcurrency: 8,
  /** Outbound requests waiting for a slot; more are dropped and counted. */
  outboundQueue: 1_000,
  /** Time one outbound request may take, from connecting to the end of its answer. */
  outboundTimeoutMs: 10_000,
  /** Push subscriptions one user may have (their devices); another is refused with too_many_push_subscriptions. */
  maxPushSubscriptionsPerUser: MAX_PUSH_SUBSCRIPTIONS,
  /** Push subscriptions one user may make per minute on average, and in one burst, across all their connections. */
  pushSubscribesPerMinutePerUser: 10,
  pushSubscribeBurstPerUser: 10,
  /** A push endpoint that keeps failing is logged once in this time, with how many failures went unlogged. */
  pushFailureLogIntervalMs: 600_000,
  /**
   * While the server has at most this many people, a sign-in is told of everyone and everyone hears everyone's
   * presence. Past it, each user is told of the people they share a DM or group with (`users_partial`) and fetches
   * anyone else with `list_users`, so a sign-in's cost stays flat as the server grows.
   */
  fullDirectoryMax: 500,
  /** Presence changes are gathered this long, then told to everyone in one frame: long enough to batch a crowd signing in, short enough to feel live. */
  presenceNewsMs: 100,
  /**
   * Work that follows changes (the search index, Web Push) is run by one process at a time under a lease this long;
   * when its process stops renewing it (killed), another takes the work over this long after.
   */
  consumerLeaseMs: 10_000,
  /** How often each consumer of the change log looks for changes it was not woken for, and renews its lease. */
  consumerPollMs: 1_000,
};

export type Config = typeof defaults;
/** Options, and what a test may put in place of the outside world. */
export type ServerOptions = Partial<Config> & {
  /** Resolves host names for outbound requests instead of DNS. */
  outboundResolve?: Resolve;
};

/** Every option is a flag (`requestsPerSecond` → `--requests-per-second`) and a variable (`HEARTH_REQUESTS_PER_SECOND`). */
const FLAG_ALIASES: Partial<Record<keyof Config, string>> = { dbPath: 'db' };
const flagOf = (key: keyof Config) => FLAG_ALIASES[key] ?? key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
const envOf = (key: keyof Config) => `HEARTH_${flagOf(key).replace(/-/g, '_').toUpperCase()}`;
const KEYS = Object.keys(defaults) as (keyof Config)[];
const LIMIT_KEYS = KEYS.filter((key) => typeof defaults[key] === 'number' && key !== 'port');

const HELP = `Hearth chat server

Usage: npm start -- [options]

Options (environment variable in brackets):
  --port N             TCP port (HEARTH_PORT, default ${defaults.port})
  --host HOST          interface to listen on (HEARTH_HOST, default ${defaults.host})
  --db PATH            SQLite file (HEARTH_DB, default data/hearth.db)
  --database URL       a PostgreSQL database instead, postgres://user:password@host:5432/name; it must exist, and
                       its tables are made on first start (HEARTH_DATABASE, default none: the SQLite file)
  --bus URL            a Redis server, redis://host:6379[/db][?prefix=NAME], shared by several processes serving one
                       chat behind a load balancer; needs --database (HEARTH_BUS, default none: one process)
  --public-url URL     address people open, used in invite links (HEARTH_PUBLIC_URL, default http://localhost:PORT)
  --allowed-origins L  comma-separated extra origins for WebSockets (HEARTH_ALLOWED_ORIGINS)
  --trusted-proxies L  comma-separated addresses of reverse proxies whose X-Forwarded-For is believed (HEARTH_TRUSTED_PROXIES)
  --push-contact URL   mailto: or https: address push services may contact (HEARTH_PUSH_CONTACT, default the https public URL)
  --outbound-allow-hosts L  comma-separated hosts the server may reach at any address, over http or https, on any
                       port: a push relay on your own network (HEARTH_OUTBOUND_ALLOW_HOSTS; --insecure-push-hosts is
                       its older name)
  --outbound-ports L   comma-separated ports other hosts may be reached on (HEARTH_OUTBOUND_PORTS, default 443)
  --files DIR|URL      where uploaded files are kept: a folder, or s3://bucket/prefix (HEARTH_FILES, default the
                       folder files beside the database); for S3 also --files-endpoint URL (an S3-compatible server),
                       --files-region (default us-east-1), --files-access-key-id and --files-secret-access-key
                       (prefer HEARTH_FILES_SECRET_ACCESS_KEY, or the AWS SDK's own AWS_* variables)
  --metrics-token T    lets a scraper read /metrics from anywhere with "Authorization: Bearer T"; without it only
                       this machine may (HEARTH_METRICS_TOKEN; prefer the variable: flags show in ps)
  --web-dir PATH       built web app (HEARTH_WEB_DIR, default apps/web/dist)
  --log-level LEVEL    pino log level (HEARTH_LOG_LEVEL, default ${defaults.logLevel})
  --synchronous MODE   NORMAL or FULL (HEARTH_SYNCHRONOUS, default ${defaults.synchronous})
  --link-previews ON   on or off: whether the server fetches a preview of each message's first link
                       (HEARTH_LINK_PREVIEWS, default ${defaults.linkPreviews})
  -h, --help           show this help

Limits (see API_CONTRACT.md, "Server limits"):
${LIMIT_KEYS.map((key) => `${`  --${flagOf(key)} N`.padEnd(31)} (${envOf(key)}, default ${defaults[key]})`).join('\n')}
`;

/** Reads flags and HEARTH_* variables; flags win. Returns null after printing help. */
export function configFromArgs(argv: string[], env: NodeJS.ProcessEnv): ServerOptions | null {
  const { options, help } = commandArgs(argv, env, []);
  if (help) {
    process.stdout.write(HELP);
    return null;
  }
  return options;
}

/**
 * The server's options as the server reads them (flags, then HEARTH_* variables), and an operator command's own flags
 * beside them (`--out`), so a command given what the server was started with finds what it uses: its database, its
 * files. Asked for help, the command shows its own usage.
 */
export function commandArgs<Own extends string>(
  argv: string[],
  env: NodeJS.ProcessEnv,
  own: readonly Own[],
): { options: ServerOptions; own: Partial<Record<Own, string>>; help: boolean } {
  const { values } = parseArgs({
    args: argv,
    options: {
      ...Object.fromEntries([...KEYS.map(flagOf), ...own].map((flag) => [flag, { type: 'string' as const }])),
      help: { type: 'boolean', short: 'h' },
    },
  });
  const given = values as Record<string, string | undefined>;
  const options: Record<string, unknown> = {};
  for (const key of KEYS) {
    const text = given[flagOf(key)] ?? env[envOf(key)];
    if (text !== undefined && text !== '') options[key] = parseOption(key, text);
  }
  const ownValues = Object.fromEntries(own.filter((flag) => given[flag] !== undefined).map((flag) => [flag, given[flag]])) as Partial<Record<Own, string>>;
  return { options: options as ServerOptions, own: ownValues, help: values.help === true };
}

/** Limits that must be at least 1: with none, nothing would ever be sent or accepted. */
const AT_LEAST_ONE: readonly (keyof Config)[] = ['outgoingWebhookBackoffMs', 'maxFileBytes', 'uploadsPerMinutePerUser', 'uploadBurstPerUser', 'fileSweepIntervalMs', 'outboundConcurrency', 'outboundTimeoutMs', 'maxPushSubscriptionsPerUser', 'pushSubscribesPerMinutePerUser', 'pushSubscribeBurstPerUser'];

/** Refuses options that cannot work, given as flags or to startServer; the message names the flag. */
export function checkConfig(config: Config): void {
  for (const key of AT_LEAST_ONE) if (!((config[key] as number) >= 1)) throw new StartError(`--${flagOf(key)} must be at least 1`);
  if (!(config.unauthenticatedIpv4Prefix <= 32)) throw new StartError('--unauthenticated-ipv4-prefix is at most 32');
  if (!(config.unauthenticatedIpv6Prefix <= 128)) throw new StartError('--unauthenticated-ipv6-prefix is at most 128');
  for (const port of config.outboundPorts) if (!Number.isInteger(port) || port < 1 || port > 65535) throw new StartError(`Invalid --outbound-ports: ${port}`);
}

function parseOption(key: keyof Config, text: string): unknown {
  const fallback = defaults[key];
  if (key === 'outboundPorts') {
    const ports = text.split(',').map((o) => o.trim()).filter(Boolean).map(Number);
    if (ports.some((port) => !Number.isInteger(port) || port < 1 || port > 65535)) throw new Error(`Invalid --outbound-ports: ${text}`);
    return ports;
  }
  if (Array.isArray(fallback)) return text.split(',').map((o) => o.trim()).filter(Boolean);
  if (key === 'synchronous') {
    const mode = text.toUpperCase();
    if (mode !== 'NORMAL' && mode !== 'FULL') throw new Error('--synchronous must be NORMAL or FULL');
    return mode;
  }
  if (key === 'linkPreviews') {
    const on = text.toLowerCase();
    if (on !== 'on' && on !== 'off') throw new Error('--link-previews must be on or off');
    return on;
  }
  if (key === 'database' && !/^postgres(ql)?:\/\//.test(text)) throw new Error('--database must be a postgres:// URL');
  if (key === 'bus' && !/^rediss?:\/\//.test(text)) throw new Error('--bus must be a redis:// URL');
  if (key === 'files' && /^[a-z][a-z0-9+.-]*:\/\//i.test(text) && !text.startsWith('s3://')) throw new Error('--files must be a folder or an s3://bucket/prefix URL');
  if (typeof fallback !== 'number') return text;
  const value = Number(text);
  const max = key === 'port' ? 65535 : Number.MAX_SAFE_INTEGER;
  const min = AT_LEAST_ONE.includes(key) ? 1 : 0;
  if (!Number.isFinite(value) || value < min || value > max) throw new Error(`Invalid --${flagOf(key)}: ${text}${min === 1 ? ' (at least 1)' : ''}`);
  return value;
}
