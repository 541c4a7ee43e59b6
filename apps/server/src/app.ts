import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { INVITE_TTL_DEFAULT_S, nicknameKey } from '@hearth/protocol';
import type { AddressInfo } from 'node:net';
import { LocalBus, type Bus } from './bus/bus.js';
import { joinCluster } from './cluster.js';
import { checkConfig, defaults, type Config, type ServerOptions } from './config.js';
import { Admin } from './domain/admin.js';
import { Contacts } from './domain/contacts.js';
import { Conversations } from './domain/conversations.js';
import { Directory } from './domain/directory.js';
import { Feed } from './domain/feed.js';
import { Groups } from './domain/groups.js';
import { Invites } from './domain/invites.js';
import { Messages } from './domain/messages.js';
import { MemberStates } from './domain/member-states.js';
import { MessageChanges } from './domain/message-changes.js';
import { People } from './domain/people.js';
import { Search } from './domain/search.js';
import { Sessions } from './domain/sessions.js';
import { hashToken, nowSeconds } from './domain/tokens.js';
import { Users } from './domain/users.js';
import { clientAddressBehind } from './client-address.js';
import { InviteLimits } from './http/invites.js';
import { createRouter } from './http/router.js';
import { Links, publicBase } from './links.js';
import { createLogger, type Logger } from './log.js';
import { consumerMetrics, watchBus } from './metrics.js';
import { ServerLease } from './server-lease.js';
import { OutboundGuard, type OutboundCounts } from './outbound/guard.js';
import { pushNotifications } from './consumers/push.js';
import { fileDeletions } from './consumers/files.js';
import { picturePreparation } from './consumers/pictures.js';
import { linkPreviews } from './consumers/previews.js';
import { outgoingWebhooks } from './consumers/outgoing-webhooks.js';
import { botReplier } from './consumers/bot-replies.js';
import { RecentChanges } from './consumers/recent.js';
import { ConsumerRunner } from './consumers/runner.js';
import { searchIndex } from './consumers/search-index.js';
import { openBlobStore } from './files/open-blob-store.js';
import { FileLinks } from './files/links.js';
import { FileSweeper } from './files/sweeper.js';
import { Pictures } from './files/pictures.js';
import { Uploads } from './files/uploads.js';
import { FailureLog } from './push/failure-log.js';
import { PushNotifier } from './push/notifier.js';
import { PushSubscriptions } from './push/subscriptions.js';
import { vapidKeys } from './push/vapid.js';
import { UserLimits } from './rate-limit.js';
import { listenStartError, StartError } from './start-error.js';
import { openStore } from './store/open-store.js';
import { Gateway } from './ws/gateway.js';
import { accountHandlers } from './ws/handlers/accounts.js';
import { conversationHandlers } from './ws/handlers/conversations.js';
import { inviteHandlers } from './ws/handlers/invites.js';
import { answerSends, messageHandlers, sendRuns, type SendOrigin } from './ws/handlers/messages.js';
import { botHandlers } from './ws/handlers/bots.js';
import { Bots } from './domain/bots.js';
import { peopleHandlers } from './ws/handlers/people.js';
import { readHandlers } from './ws/handlers/reads.js';
import { Presence } from './ws/presence.js';
import { Publisher, type Origin } from './ws/publisher.js';
import { SessionActivity } from './ws/session-activity.js';
import { TypingNotices } from './ws/typing.js';

export interface RunningServer {
  /** Base URL of the HTTP server, e.g. http://127.0.0.1:3000. */
  url: string;
  /** WebSocket URL, e.g. ws://127.0.0.1:3000/ws. */
  wsUrl: string;
  port: number;
  /** The public URL invite links use. */
  publicUrl: string;
  /** The invite link made at first start, while nobody has joined yet. */
  firstInviteUrl: string | null;
  /** Makes a new invite and returns its link. */
  createInvite(): Promise<string>;
  /** What the outbound guard has done since start: answers, and refusals and failures by code; and requests dropped. */
  outbound: { counts: Readonly<OutboundCounts>; dropped(): number };
  /** Resolves once the consumers this process runs have read every change published so far. */
  consumersCaughtUp(): Promise<void>;
  /** Stops accepting, closes every connection with 1001, then closes the database. */
  close(): Promise<void>;
}

/** A consumer runs this long after a change is published, so that changes published together are read together. */
const CONSUMER_GATHER_MS = 20;
/** The server's version, as the HTTP API's document gives it. */
const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Opens the database, then serves the web app, the invite API and the WebSocket on one port. */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const { outboundResolve, ...given } = options;
  const config: Config = { ...defaults, ...given };
  checkConfig(config);
  const log = createLogger(config.logLevel);
  // Processes on one bus must share what they store, and append to its log one at a time: PostgreSQL's advisory lock.
  if (config.bus !== '' && config.database === '') throw new StartError('--bus needs --database: the processes must share one PostgreSQL database');
  const store = await openStore(config, log);
  const directory = new Directory();
  directory.lobbyId = await store.conversations.ensureLobby(nowSeconds());
  // Nicknames are unique by their key; when the rule that makes keys changes, stored keys follow it.
  const rekeyed = await store.accounts.rekeyNicknames(nicknameKey);
  if (rekeyed > 0) log.info({ rekeyed }, 'nickname keys updated');
  directory.load(await store.conversations.snapshot());
  const presence = new Presence();
  const start = { head: (await store.log.bounds()).head, newestMessageId: await store.messages.newestId() };
  const contacts = new Contacts(directory, config.fullDirectoryMax);
  const publisher = new Publisher(presence, directory, log, { windowMs: config.presenceNewsMs, contacts }, start);
  // This process publishes every change in seq order, its own and the others': consumers may judge batches from memory.
  const recent = new RecentChanges(publisher.cursor);
  const messages = new Messages<SendOrigin>(store, directory, answerSends(publisher, log));
  const feed = new Feed(store, directory);
  feed.published = () => publisher.cursor;
  const search = new Search(store, directory);
  // Changes that are no message (a read marker, someone online) leave nothing to index.
  search.head = () => publisher.messageCursor;
  const keys = await vapidKeys(store);
  const outbound = new OutboundGuard({
    allowHosts: [...config.outboundAllowHosts, ...config.insecurePushHosts],
    ports: config.outboundPorts,
    concurrency: config.outboundConcurrency,
    queue: config.outboundQueue,
    timeoutMs: config.outboundTimeoutMs,
    resolve: outboundResolve,
  });
  const push = new PushSubscriptions(store, outbound, config.maxPushSubscriptionsPerUser);
  await push.load();
  const invites = new Invites(store, directory);
  await invites.load();
  const bus = await openBus(config, log);
  // Held before listening, so the operator command never finds the database free while this server serves it.
  const lease = await ServerLease.take(store, bus.id, log);
  const sessions = new Sessions(store, directory);
  const activity = new SessionActivity(store, presence, log);
  const limits = new UserLimits(config, (name, rate, burst) => bus.limit(name, rate, burst));
  const typing = new TypingNotices();
  const conversations = new Conversations(store, directory);
  const memberStates = new MemberStates(store, directory);
  const links = new Links();
  const clientAddress = clientAddressBehind(config.trustedProxies);
  const cluster = bus.shared
    ? await joinCluster({ bus, store, publisher, presence, directory, invites, push, typing, recent, log, heartbeatMs: config.heartbeatMs })
    : undefined;
  const retention = { maxAgeDays: config.changeLogMaxAgeDays, maxRows: config.changeLogMaxRows };
  const trim = () => feed.trim(retention).catch((error: unknown) => log.error({ err: error }, 'trimming the change log failed'));
  await trim();

  const blobs = await openBlobStore(config);
  const uploads = new Uploads(store, blobs, directory, config);
  const sweeper = new FileSweeper(store, blobs, log);
  const fileLinks = await FileLinks.load(store);
  const pictures = new Pictures(store, blobs, (change) => publisher.publish(change), log);
  const sweep = () => sweeper.sweep().catch((error: unknown) => log.error({ err: error }, 'sweeping files failed'));
  await sweep();
  // Pictures a stop left unprepared: done in the background, as a consumer would have.
  const prepareLeftovers = () => void pictures.drain().catch((error: unknown) => log.error({ err: error }, 'preparing pictures failed'));

  const inviteLimits = new InviteLimits(config, bus);
  watchBus(() => bus.connected);
  const ready = {
    // An empty range of the change log: a real query that reads nothing.
    queryDatabase: () => store.log.changesBetween(0, 0, 1),
    busConnected: () => bus.connected,
  };
  const metrics = { clientAddress, trustedProxies: config.trustedProxies, token: config.metricsToken };
  const messageChanges = new MessageChanges(store, directory);
  const webhookLookup = { byToken: (token: string) => store.webhooks.byTokenHash(hashToken(token)), user: (id: number) => directory.users.get(id) };
  const router = createRouter({ invites, publisher, sessions, clientAddress, log, webDir: config.webDir, limits: inviteLimits, metrics, ready, files: { sessions, directory, links: fileLinks, uploads, limits, log }, api: { sessions, webhooks: webhookLookup, conversations, messages, changes: messageChanges, publisher, limits, version: VERSION } });
  const http = createServer((req, res) => router.handle(req, res));
  const port = await listen(http, config.port, config.host);
  links.base = publicBase(config, port);
  // Push services want a way to reach whoever runs the server: an https page or a mail address.
  const contact = config.pushContact || (links.base.startsWith('https:') ? links.base : `mailto:hearth@${new URL(links.base).hostname}`);
  const notifier = new PushNotifier(store, directory, (userId) => presence.isOnline(userId), push, keys, contact, outbound, new FailureLog(log, config.pushFailureLogIntervalMs), log);
  const outgoing = outgoingWebhooks({ store, directory, outbound, reply: botReplier(messages, directory, limits, log), log, backoffMs: config.outgoingWebhookBackoffMs });
  const consumers = [searchIndex(store), pushNotifications(notifier), fileDeletions(sweeper), picturePreparation(pictures)];
  consumers.push(outgoing);
  if (config.linkPreviews === 'on') consumers.push(linkPreviews({ outbound, blobs, store }, messageChanges, (change) => publisher.publish(change), log));
  const runners = consumers.map(
    (consumer) =>
      new ConsumerRunner(store, consumer, {
        holder: bus.id,
        alone: !bus.shared,
        leaseMs: config.consumerLeaseMs,
        pollMs: config.consumerPollMs,
        gatherMs: CONSUMER_GATHER_MS,
        head: () => publisher.cursor,
        recent,
        log,
        observe: consumerMetrics,
      }),
  );
  publisher.follow((change) => {
    recent.add(change);
    for (const runner of runners) runner.wake();
  });
  for (const runner of runners) runner.start();
  prepareLeftovers();
  const gateway = new Gateway(
    { config, publicUrl: links.base, clientAddress, log, sessions, activity, presence, publisher, directory, contacts, conversations, memberStates, invites, bus, pushKey: keys.publicKey },
    dispatchFor(),
  );
  http.on('upgrade', (req, socket, head) => gateway.handleUpgrade(req, socket, head));
  const prune = setInterval(() => {
    inviteLimits.prune();
    limits.prune();
    typing.prune();
  }, 60_000).unref();
  const trimmer = setInterval(trim, config.changeLogTrimIntervalMs).unref();
  const recordActivity = setInterval(() => activity.flush(), 60_000).unref();
  const sweeping = setInterval(() => {
    void sweep();
    prepareLeftovers();
  }, config.fileSweepIntervalMs).unref();

  const firstInvite = directory.users.size === 0 ? await invites.firstInvite() : null;
  const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  log.info({ port, publicUrl: links.base, db: config.database === '' ? config.dbPath : 'postgres', files: blobs.where }, 'listening');

  /** Each kind of request with what it needs, and nothing more. */
  function dispatchFor() {
    return {
      sends: sendRuns(messages, limits),
      handlers: {
        ...messageHandlers(messages, messageChanges, publisher, limits),
        ...conversationHandlers({ conversations, groups: new Groups(store, directory), memberStates, directory, publisher, limits, typing }),
        ...accountHandlers({ users: new Users(store, directory), sessions, admin: new Admin(store, directory), push, publisher, presence, bus, limits, links, log }),
        ...inviteHandlers({ invites, publisher, bus, limits, links }),
        ...readHandlers({ feed, search, publisher, limits }),
        ...peopleHandlers(new People(directory)),
        ...botHandlers({ bots: new Bots(store, directory), sendable: (url) => outbound.allows(url), endpointsChanged: () => outgoing.forget(), links, publisher, presence, bus, limits, log }),
      },
    };
  }

  return {
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/ws`,
    port,
    publicUrl: links.base,
    firstInviteUrl: firstInvite === null ? null : links.invite(firstInvite),
    outbound: { counts: outbound.counts, dropped: () => outbound.dropped },
    consumersCaughtUp: async () => {
      await Promise.all(runners.map((runner) => runner.drain()));
    },
    createInvite: async () => links.invite((await invites.create(null, INVITE_TTL_DEFAULT_S, 1)).code),
    close: async () => {
      clearInterval(prune);
      clearInterval(trimmer);
      clearInterval(recordActivity);
      clearInterval(sweeping);
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      // Sends that arrived are stored and acknowledged while their sockets are still open to hear it. Frames still
      // waiting behind them are dropped with their connection; unacknowledged, they are retried by client_id.
      await messages.flush();
      // Changes waiting for a gap to fill go out now, while their requesters can still hear the reply.
      await cluster?.settle();
      gateway.closeAll();
      http.closeAllConnections();
      await closed;
      await messages.flush();
      await activity.flush();
      await cluster?.settle();
      cluster?.stop();
      await Promise.all(runners.map((runner) => runner.stop()));
      await pictures.stop();
      await bus.close();
      await outbound.close();
      await blobs.close();
      await lease.release();
      await store.close();
      log.info('stopped');
    },
  };
}

/** The bus to other processes the options name, or none: Redis's client is loaded only when asked for. */
async function openBus(config: Config, log: Logger): Promise<Bus> {
  if (config.bus === '') return new LocalBus();
  const { RedisBus } = await import('./bus/redis-bus.js');
  const bus = await RedisBus.connect(config.bus, config.heartbeatMs, log);
  log.info({ process: bus.id }, 'joined the bus');
  return bus;
}

function listen(http: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const refused = (error: Error) => reject(listenStartError(host, port, error));
    http.once('error', refused);
    http.listen(port, host, () => {
      http.off('error', refused);
      resolve((http.address() as AddressInfo).port);
    });
  });
}
