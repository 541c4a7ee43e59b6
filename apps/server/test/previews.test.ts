import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { ErrorCode, type Message } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catchUp, Peer, startTestServer, type TestServer } from './support/harness.js';

type Account = { user: { id: number; nickname: string }; token: string };

/** A 1,200 × 800 picture, as a page's og:image. */
const PICTURE = sharp({ create: { width: 1200, height: 800, channels: 3, background: '#246' } }).png().toBuffer();

/** Pages a link may lead to, on loopback: what a site answers, by path. */
const PAGES: Record<string, (res: import('node:http').ServerResponse) => void> = {
  '/article': (res) =>
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(`<!doctype html><html><head>
      <title>Ignored when og:title is there</title>
      <meta property="og:title" content="Bread &amp; butter pudding">
      <meta property="og:description" content="A pudding for a cold day.
        Serves four.">
      <meta property="og:site_name" content="Kitchen Notes">
      <script>document.cookie = 'x'</script>
    </head><body><p>Recipe</p></body></html>`),
  '/plain': (res) =>
    res.writeHead(200, { 'Content-Type': 'text/html' }).end(`<html><head><title>  Plain   page </title>
      <meta name="description" content="${'Long words '.repeat(60)}"></head><body></body></html>`),
  '/photo': (res) => res.writeHead(200, { 'Content-Type': 'image/png' }).end(Buffer.alloc(100)),
  '/pictured': (res) =>
    res.writeHead(200, { 'Content-Type': 'text/html' }).end('<head><meta property="og:title" content="Harbour at dawn"><meta property="og:image" content="/harbour.png"></head>'),
  '/harbour.png': (res) => void PICTURE.then((png) => res.writeHead(200, { 'Content-Type': 'image/png' }).end(png)),
  '/moved': (res) => res.writeHead(302, { Location: '/article' }).end(),
  // A head worth reading and then a body that never ends: only the first MiB is read.
  '/endless': (res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.write('<html><head><meta property="og:title" content="Endless"></head><body>');
    const chunk = Buffer.alloc(64 * 1024, 'a');
    const more = () => {
      while (!res.destroyed && res.write(chunk));
      if (!res.destroyed) res.once('drain', more);
    };
    more();
  },
};

describe('link previews', () => {
  let site: Server;
  let base: string;
  const asked: string[] = [];
  let server: TestServer;
  let alice: Account;
  let bob: Account;
  let a: Peer;
  let b: Peer;
  let n = 0;

  const send = async (peer: Peer, content: string): Promise<Message> => {
    const reply = await peer.request('send_message', { conversation_id: lobby(peer), content, client_id: `l${n++}` });
    if (reply.type !== 'message') throw new Error(reply.type);
    return reply.payload;
  };
  const lobby = (peer: Peer) => peer.seen('auth_ok')[0]!.payload.conversations.find((c) => c.type === 'lobby')!.id;
  /** The message as stored once every consumer has read it. */
  const settled = async (message: Message): Promise<Message> => {
    await server.consumersCaughtUp();
    const history = await b.request('load_history', { conversation_id: message.conversation_id });
    if (history.type !== 'history') throw new Error(history.type);
    return history.payload.messages.find((m) => m.id === message.id)!;
  };

  beforeAll(async () => {
    site = createServer((req, res) => {
      asked.push(req.url ?? '');
      (PAGES[req.url ?? ''] ?? ((r) => r.writeHead(404).end()))(res);
    });
    await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(site.address() as AddressInfo).port}`;
    server = await startTestServer({ outboundAllowHosts: ['127.0.0.1'] });
    [alice, bob] = [await server.join('alice'), await server.join('bob')];
    [a, b] = await Promise.all([Peer.signIn(server.wsUrl, alice.token), Peer.signIn(server.wsUrl, bob.token)]);
  });

  afterAll(async () => {
    await Promise.all([a, b].map((peer) => peer.close()));
    await server.destroy();
    site.closeAllConnections();
    await new Promise((resolve) => site.close(resolve));
  });

  it('previews the first link from the page’s Open Graph tags, live and in catch-up', async () => {
    const cursor = b.seen('auth_ok')[0]!.payload.cursor ?? 0;
    const message = await send(a, `Try this (${base}/article), or \`${base}/plain\``);
    const updated = await b.next('message_updated', (e) => e.payload.message.id === message.id);
    expect(updated.payload.message.preview).toEqual({
      url: `${base}/article`,
      title: 'Bread & butter pudding',
      description: 'A pudding for a cold day. Serves four.',
      site: 'Kitchen Notes',
    });
    const caught = (await catchUp(b, cursor)).changes.filter((c) => c.type === 'message_updated');
    expect(caught.map((c) => c.type === 'message_updated' && c.payload.message.preview?.title)).toContain('Bread & butter pudding');
    // The address in code is text, not a link: it was never fetched.
    expect(asked).not.toContain('/plain');
  });

  it('falls back to the page’s title and description, cut to their bounds, with the host as the site', async () => {
    const message = await send(a, `${base}/plain.`);
    const preview = (await settled(message)).preview!;
    expect(preview.title).toBe('Plain page');
    expect(preview.site).toBe('127.0.0.1');
    expect(preview.description!.length).toBeLessThanOrEqual(300);
    expect(preview.description!.endsWith('…')).toBe(true);
  });

  it('keeps the page’s picture as a small file of the message, which members read and nobody else', async () => {
    const message = await send(a, `${base}/pictured`);
    const preview = (await settled(message)).preview!;
    expect(preview).toMatchObject({ title: 'Harbour at dawn', image: { width: 480, height: 320 } });
    const link = await fetch(`${server.url}/api/files/${preview.image!.id}/link`, { headers: { Authorization: `Bearer ${bob.token}` } });
    expect(link.status).toBe(200);
    const served = await fetch(`${server.url}${((await link.json()) as { url: string }).url}`);
    expect(served.headers.get('content-type')).toBe('image/webp');
    expect((await sharp(Buffer.from(await served.arrayBuffer())).metadata()).width).toBe(480);
    const outsider = await server.join('olaf');
    expect((await fetch(`${server.url}/api/files/${preview.image!.id}/link`, { headers: { Authorization: `Bearer ${outsider.token}` } })).status).toBe(200);
    // The lobby is everyone's; in a DM only its two members may see the picture.
    const dm = await a.request('create_dm', { user_id: bob.user.id });
    if (dm.type !== 'conversation_created') throw new Error(dm.type);
    const private_ = await a.request('send_message', { conversation_id: dm.payload.conversation.id, content: `${base}/pictured`, client_id: `dm${n++}` });
    if (private_.type !== 'message') throw new Error(private_.type);
    const dmPreview = (await settled(private_.payload)).preview!;
    expect((await fetch(`${server.url}/api/files/${dmPreview.image!.id}/link`, { headers: { Authorization: `Bearer ${outsider.token}` } })).status).toBe(404);
  });

  it('reads no more than the first MiB of an endless page', async () => {
    const message = await send(a, `${base}/endless`);
    expect((await settled(message)).preview?.title).toBe('Endless');
  });

  it('makes no preview of a picture, a redirect, or a page at a private address', async () => {
    const redirects = server.outbound.counts.redirect;
    for (const content of [`${base}/photo`, `${base}/moved`]) expect((await settled(await send(a, content))).preview).toBeUndefined();
    expect(server.outbound.counts.redirect).toBe(redirects + 1);
    const refused = server.outbound.counts.refused_address;
    expect((await settled(await send(a, 'https://10.0.0.1/admin'))).preview).toBeUndefined();
    expect(server.outbound.counts.refused_address).toBe(refused + 1);
  });

  it('lets the sender remove a preview for everyone, and nobody else', async () => {
    const message = await send(a, `${base}/article`);
    await b.next('message_updated', (e) => e.payload.message.id === message.id && e.payload.message.preview !== undefined);
    const theirs = await b.request('remove_preview', { message_id: message.id });
    expect(theirs.type === 'error' && theirs.payload.code).toBe(ErrorCode.NotYourMessage);
    const removed = await a.request('remove_preview', { message_id: message.id });
    if (removed.type !== 'message_updated') throw new Error(removed.type);
    expect(removed.payload.message.preview).toBeUndefined();
    await b.next('message_updated', (e) => e.payload.message.id === message.id && e.payload.message.preview === undefined);
    expect((await settled(message)).preview).toBeUndefined();
    // An edit afterwards does not bring it back.
    await a.request('edit_message', { message_id: message.id, content: `${base}/article again` });
    expect((await settled(message)).preview).toBeUndefined();
  });
});

describe('link previews turned off', () => {
  it('fetches nothing', async () => {
    const server = await startTestServer({ outboundAllowHosts: ['127.0.0.1'], linkPreviews: 'off' });
    try {
      const alice = await server.join('alice');
      const a = await Peer.signIn(server.wsUrl, alice.token);
      const lobby = a.seen('auth_ok')[0]!.payload.conversations[0]!.id;
      await a.request('send_message', { conversation_id: lobby, content: 'https://example.org/', client_id: 'off' });
      await server.consumersCaughtUp();
      expect(server.outbound.counts.answered + server.outbound.counts.network + server.outbound.counts.refused_name).toBe(0);
      await a.close();
    } finally {
      await server.destroy();
    }
  });
});
