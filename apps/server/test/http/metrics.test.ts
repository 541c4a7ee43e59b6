import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, Peer, startTestServer, type TestServer } from '../support/harness.js';
import { get, parseSamples, sample, scrape, type Samples } from '../support/metrics.js';

let server: TestServer;
let tokenServer: TestServer;

beforeAll(async () => {
  // The test's requests come from 127.0.0.1: listed as a proxy, it can speak for a client elsewhere.
  server = await startTestServer({ trustedProxies: ['127.0.0.1'] });
  tokenServer = await startTestServer({ trustedProxies: ['127.0.0.1'], metricsToken: 'scraper-secret' });
});

afterAll(async () => {
  await server?.destroy();
  await tokenServer?.destroy();
});

/** How much each series grew between two scrapes. */
const grew = (before: Samples, after: Samples, series: string) => sample(after, series) - sample(before, series);

describe('who may read /metrics', () => {
  it('serves a client on this machine without a token', async () => {
    const answer = await get(`${server.url}/metrics`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(answer.text).toContain('# TYPE hearth_send_commit_seconds histogram');
    // Node's own metrics come too.
    expect(parseSamples(answer.text).get('process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('refuses a client elsewhere, as a trusted proxy tells it, without a token', async () => {
    const answer = await get(`${server.url}/metrics`, { 'X-Forwarded-For': '203.0.113.7' });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.text)).toMatchObject({ error: { code: 'forbidden' } });
    expect(answer.text).not.toContain('hearth_');
  });

  it('refuses a request a proxy it does not trust passed on, though it comes from this machine', async () => {
    const untrusting = await startTestServer();
    try {
      expect((await get(`${untrusting.url}/metrics`, { 'X-Forwarded-For': '127.0.0.1' })).status).toBe(403);
      expect((await get(`${untrusting.url}/metrics`, { Forwarded: 'for=127.0.0.1' })).status).toBe(403);
      expect((await get(`${untrusting.url}/metrics`)).status).toBe(200);
    } finally {
      await untrusting.destroy();
    }
  });

  it('with a token, serves a client elsewhere that carries it and refuses anyone without it, this machine included', async () => {
    const elsewhere = { 'X-Forwarded-For': '203.0.113.7' };
    const served = await get(`${tokenServer.url}/metrics`, { ...elsewhere, Authorization: 'Bearer scraper-secret' });
    expect(served.status).toBe(200);
    expect(served.text).toContain('hearth_requests_total');

    const wrong = await get(`${tokenServer.url}/metrics`, { ...elsewhere, Authorization: 'Bearer scraper-secreT' });
    expect(wrong.status).toBe(401);
    expect(wrong.headers['www-authenticate']).toBe('Bearer realm="metrics"');
    expect((await get(`${tokenServer.url}/metrics`, elsewhere)).status).toBe(401);
    expect((await get(`${tokenServer.url}/metrics`)).status).toBe(401);
  });
});

describe('what /metrics counts', () => {
  it('counts the sends, their commits, their batches and their deliveries, and the errors by code', async () => {
    const alice = await server.join('alice');
    const bob = await server.join('bob');
    const before = await scrape(server.url);

    const a = await Peer.signIn(server.wsUrl, alice.token);
    const b = await Peer.signIn(server.wsUrl, bob.token);
    const ok = a.seen('auth_ok')[0]!;
    const lobbyId = ok.payload.conversations[0]!.id;
    const sends = 20;
    const replies = Array.from({ length: sends }, (_, i) => a.request('send_message', { conversation_id: lobbyId, content: `m${i}`, client_id: `c${i}` }));
    expect((await Promise.all(replies)).every((reply) => reply.type === 'message')).toBe(true);
    await b.next('message', (e) => e.payload.content === `m${sends - 1}`);
    const refused = await a.request('send_message', { conversation_id: 999_999, content: 'nowhere', client_id: 'x' });
    expect(refused.payload).toMatchObject({ code: 'conversation_not_found' });
    a.sendRaw('not json');
    await a.waitFor((e) => e.type === 'error' && e.id === undefined);

    const after = await scrape(server.url);
    expect(grew(before, after, 'hearth_requests_total{type="auth"}')).toBe(2);
    expect(grew(before, after, 'hearth_requests_total{type="send_message"}')).toBe(sends + 1);
    expect(grew(before, after, 'hearth_requests_total{type="invalid"}')).toBe(1);
    expect(grew(before, after, 'hearth_errors_total{code="conversation_not_found"}')).toBe(1);
    expect(grew(before, after, 'hearth_connections{state="signed_in"}')).toBe(2);

    // Every stored send was committed once, in batches that add up to them, and delivered.
    expect(grew(before, after, 'hearth_send_commit_seconds_count')).toBe(sends);
    expect(grew(before, after, 'hearth_send_commit_seconds_bucket{le="+Inf"}')).toBe(sends);
    expect(grew(before, after, 'hearth_send_commit_seconds_sum')).toBeGreaterThan(0);
    expect(grew(before, after, 'hearth_send_batch_size_sum')).toBe(sends);
    const batches = grew(before, after, 'hearth_send_batch_size_count');
    expect(batches).toBeGreaterThanOrEqual(1);
    expect(batches).toBeLessThanOrEqual(sends);
    expect(grew(before, after, 'hearth_send_batch_size_bucket{le="500"}')).toBe(batches);
    expect(grew(before, after, 'hearth_commit_delivery_seconds_count')).toBe(sends);
    // Buckets are cumulative: the last finite one holds no more than all of them.
    expect(grew(before, after, 'hearth_commit_delivery_seconds_bucket{le="5"}')).toBeLessThanOrEqual(sends);
    expect(sample(after, 'hearth_bus_connected')).toBe(1);

    await a.close();
    await b.close();
    await eventually(async () => {
      const now = await scrape(server.url);
      return sample(now, 'hearth_connections{state="signed_in"}') === sample(before, 'hearth_connections{state="signed_in"}') ? now : undefined;
    }, 'the closed connections to be uncounted');
  });

  it('shows how far behind each consumer of the change log is, once it has run', async () => {
    const account = await server.join('lag-reader');
    const peer = await Peer.signIn(server.wsUrl, account.token);
    const lobby = peer.seen('auth_ok')[0]!.payload.conversations[0]!.id;
    expect((await peer.request('send_message', { conversation_id: lobby, content: 'for the index', client_id: 'lag-1' })).type).toBe('message');
    await server.consumersCaughtUp();
    const samples = await eventually(async () => {
      const now = await scrape(server.url);
      return now.has('hearth_consumer_lag{consumer="search"}') && now.has('hearth_consumer_lag{consumer="push"}') ? now : undefined;
    }, 'both consumers to report');
    expect(sample(samples, 'hearth_consumer_lag{consumer="search"}')).toBe(0);
    expect(sample(samples, 'hearth_consumer_errors_total{consumer="search"}')).toBe(0);
    await peer.close();
  });
});
