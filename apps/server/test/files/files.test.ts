import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, type Attachment, type Message, type ServerEvent } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catchUp, eventually, messagesIn, Peer, startTestServer, type TestServer } from '../support/harness.js';
import { download, PDF, startS3, startUpload, upload, type TestS3 } from '../support/files.js';

type Account = { user: { id: number; nickname: string }; token: string };

function expectMessage(event: ServerEvent): Message {
  if (event.type === 'message') return event.payload;
  throw new Error(`expected a message, got ${event.type} ${JSON.stringify(event.payload)}`);
}

/** The same behaviour whichever store keeps the bytes: a folder on disk, or an S3 bucket (a real s3rver). */
describe.each(['disk', 's3'] as const)('files kept on %s', (kind) => {
  let s3: TestS3 | undefined;
  let server: TestServer;
  let alice: Account;
  let bob: Account;
  let carol: Account;
  let a: Peer;
  let b: Peer;
  let c: Peer;
  let dmId: number;
  let sent = 0;

  /** Whether the store still holds a blob. */
  const stored = async (id: string) => (kind === 's3' ? s3!.has(id) : existsSync(join(server.dir, 'files', id)));
  /** What the store holds: its blobs, and on disk what is being written. */
  const everything = async () => (kind === 's3' ? s3!.keys() : readdirSync(join(server.dir, 'files'), { recursive: true }).map(String).filter((f) => f !== '.partial'));

  const uploadAs = async (account: Account, bytes: Uint8Array, name: string): Promise<Attachment> => {
    const answer = await upload(server.url, account.token, bytes, name);
    expect(answer.status).toBe(201);
    return answer.body as Attachment;
  };
  /** A signed link to a file, as a page asks for one. */
  const linkFor = async (account: Account, id: string): Promise<string> => {
    const response = await fetch(`${server.url}/api/files/${id}/link`, { headers: { Authorization: `Bearer ${account.token}` } });
    expect(response.status).toBe(200);
    return ((await response.json()) as { url: string }).url;
  };
  const send = (peer: Peer, payload: Record<string, unknown>) => peer.request('send_message', { conversation_id: dmId, content: '', client_id: `f${sent++}`, ...payload });

  beforeAll(async () => {
    if (kind === 's3') s3 = await startS3();
    server = await startTestServer({ maxFileBytes: 64 * 1024, ...s3?.options });
    [alice, bob, carol] = [await server.join('alice'), await server.join('bob'), await server.join('carol')];
    [a, b, c] = await Promise.all([Peer.signIn(server.wsUrl, alice.token), Peer.signIn(server.wsUrl, bob.token), Peer.signIn(server.wsUrl, carol.token)]);
    const dm = await a.request('create_dm', { user_id: bob.user.id });
    if (dm.type !== 'conversation_created') throw new Error(dm.type);
    dmId = dm.payload.conversation.id;
  });

  afterAll(async () => {
    await Promise.all([a, b, c].map((peer) => peer.close()));
    await server.destroy();
    await s3?.stop();
  });

  it('sends a file with a caption that the other member hears live, finds in history and in catch-up, and downloads', async () => {
    const cursor = b.seen('auth_ok')[0]!.payload.cursor ?? 0;
    const file = await uploadAs(alice, PDF, 'plan.pdf');
    expect(file).toEqual({ id: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/), name: 'plan.pdf', size: PDF.length, type: 'application/pdf' });

    const message = expectMessage(await send(a, { content: 'our plan', attachments: [file.id] }));
    expect(message.attachments).toEqual([file]);
    const live = await b.next('message', (e) => e.payload.id === message.id);
    expect(live.payload.attachments).toEqual([file]);

    const history = await b.request('load_history', { conversation_id: dmId });
    if (history.type !== 'history') throw new Error(history.type);
    expect(history.payload.messages.find((m) => m.id === message.id)?.attachments).toEqual([file]);
    const caught = messagesIn((await catchUp(b, cursor)).changes);
    expect(caught.find((m) => m.id === message.id)?.attachments).toEqual([file]);

    const got = await download(server.url, bob.token, file.id, file.name);
    expect(got.status).toBe(200);
    expect(Buffer.compare(got.body as Buffer, PDF)).toBe(0);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.headers.get('content-disposition')).toBe("inline; filename*=UTF-8''plan.pdf");
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'");
  });

  it('serves part of a file when asked for a range', async () => {
    const file = await uploadAs(alice, PDF, 'part.pdf');
    await send(a, { attachments: [file.id] });
    const got = await download(server.url, bob.token, file.id, file.name, { Range: 'bytes=1-3' });
    expect(got.status).toBe(206);
    expect(got.headers.get('content-range')).toBe(`bytes 1-3/${PDF.length}`);
    expect((got.body as Buffer).toString('latin1')).toBe('PDF');
  });

  it('lets nobody outside the conversation download its files, nor anyone without a token', async () => {
    const file = await uploadAs(alice, PDF, 'private.pdf');
    await send(a, { attachments: [file.id] });
    const outsider = await download(server.url, carol.token, file.id);
    expect(outsider.status).toBe(404);
    expect(outsider.body.error.code).toBe(ErrorCode.FileNotFound);
    expect((await download(server.url, undefined, file.id)).status).toBe(401);
    expect((await download(server.url, 'not-a-token', file.id)).status).toBe(401);
    // An id nobody has is answered exactly as one the asker may not read.
    expect((await download(server.url, carol.token, 'A'.repeat(22))).body).toEqual(outsider.body);
  });

  it('stops serving a group’s files to someone removed from it', async () => {
    const group = await a.request('create_group', { user_ids: [bob.user.id, carol.user.id] });
    if (group.type !== 'conversation_created') throw new Error(group.type);
    const file = await uploadAs(alice, PDF, 'group.pdf');
    await send(a, { conversation_id: group.payload.conversation.id, attachments: [file.id] });
    expect((await download(server.url, carol.token, file.id)).status).toBe(200);
    const link = await linkFor(carol, file.id);
    expect((await fetch(`${server.url}${link}`)).status).toBe(200);
    const removed = await a.request('remove_member', { conversation_id: group.payload.conversation.id, user_id: carol.user.id });
    expect(removed.type).toBe('conversation_updated');
    expect((await download(server.url, carol.token, file.id)).status).toBe(404);
    // A link made while she was a member dies with her membership.
    expect((await fetch(`${server.url}${link}`)).status).toBe(404);
    expect((await download(server.url, bob.token, file.id)).status).toBe(200);
  });

  it('gives a member a signed link that works without a token, for that file only, and not once altered', async () => {
    const file = await uploadAs(alice, PDF, 'linked.pdf');
    await send(a, { attachments: [file.id] });
    const link = await linkFor(bob, file.id);
    expect(link).toMatch(new RegExp(`^/files/${file.id}/linked\\.pdf\\?u=${bob.user.id}&e=\\d+&s=`));
    const got = await fetch(`${server.url}${link}`);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'");
    expect(Buffer.from(await got.arrayBuffer()).equals(PDF)).toBe(true);
    // Made for bob: naming carol instead, or another file, or a later expiry breaks the signature.
    for (const forged of [link.replace(`u=${bob.user.id}`, `u=${carol.user.id}`), link.replace(/e=(\d+)/, (_, e: string) => `e=${Number(e) + 60}`)]) {
      expect((await fetch(`${server.url}${forged}`)).status).toBe(401);
    }
    const other = await uploadAs(alice, PDF, 'other.pdf');
    await send(a, { attachments: [other.id] });
    expect((await fetch(`${server.url}${link.replace(file.id, other.id)}`)).status).toBe(401);
    // Someone outside the conversation gets no link.
    const refused = await fetch(`${server.url}/api/files/${file.id}/link`, { headers: { Authorization: `Bearer ${carol.token}` } });
    expect(refused.status).toBe(404);
  });

  it('lets only its uploader read a file before it is sent', async () => {
    const file = await uploadAs(alice, PDF, 'draft.pdf');
    expect((await download(server.url, alice.token, file.id)).status).toBe(200);
    expect((await download(server.url, bob.token, file.id)).status).toBe(404);
  });

  it('tells a type from the bytes: HTML named .png is a download that cannot be sniffed', async () => {
    const html = Buffer.from('<!doctype html><html><script>alert(document.cookie)</script></html>');
    const file = await uploadAs(alice, html, 'innocent.pdf');
    expect(file.type).toBe('application/octet-stream');
    await send(a, { attachments: [file.id] });
    const got = await download(server.url, bob.token, file.id, file.name);
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/octet-stream');
    expect(got.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'");
  });

  it('serves an SVG with script in it as a download', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    const file = await uploadAs(alice, svg, 'logo.svg');
    await send(a, { attachments: [file.id] });
    const got = await download(server.url, bob.token, file.id, file.name);
    expect(got.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(got.headers.get('content-type')).not.toMatch(/svg|html|xml/);
  });

  it('refuses a file that says it is over the limit before reading it, keeping nothing', async () => {
    const before = await everything();
    const answer = await upload(server.url, alice.token, Buffer.alloc(64 * 1024 + 1, 1), 'big.bin');
    expect(answer.status).toBe(413);
    expect(answer.body.error.code).toBe(ErrorCode.FileTooLarge);
    expect(await everything()).toEqual(before);
  });

  it('refuses a file found over the limit while it is read, keeping nothing', async () => {
    const before = await everything();
    const { req, answer } = startUpload(server.url, alice.token, 'endless.bin');
    for (let i = 0; i < 10; i++) req.write(Buffer.alloc(16 * 1024, i));
    req.end();
    const got = await answer;
    expect(got?.status).toBe(413);
    expect(got?.body.error.code).toBe(ErrorCode.FileTooLarge);
    await eventually(async () => ((await everything()).length === before.length ? true : undefined), 'nothing left of the refused upload');
    expect(await everything()).toEqual(before);
  });

  it('keeps nothing of an upload cut off half-way', async () => {
    const before = await everything();
    const { req, answer } = startUpload(server.url, alice.token, 'half.bin');
    req.write(Buffer.alloc(40 * 1024, 7));
    // Cut once the server has begun to keep it: on disk, once its partial file is there.
    if (kind === 'disk') await eventually(async () => (readdirSync(join(server.dir, 'files', '.partial')).length > 0 ? true : undefined), 'the upload to begin');
    req.destroy();
    expect(await answer).toBeUndefined();
    // A whole upload after it is kept, and it alone.
    const next = await uploadAs(alice, PDF, 'after.pdf');
    await eventually(async () => ((await everything()).length === before.length + 1 ? true : undefined), 'only the whole upload kept');
    expect(await stored(next.id)).toBe(true);
    if (kind === 'disk') expect(readdirSync(join(server.dir, 'files', '.partial'))).toEqual([]);
    const rows = await server.db.all<{ name: string }>('SELECT name FROM files WHERE name = ?', 'half.bin');
    expect(rows).toEqual([]);
  });

  it('sends only the sender’s own files, each once', async () => {
    const file = await uploadAs(alice, PDF, 'once.pdf');
    const stolen = await send(b, { attachments: [file.id] });
    expect(stolen.type === 'error' && stolen.payload.code).toBe(ErrorCode.FileNotFound);
    const first = await a.request('send_message', { conversation_id: dmId, content: '', client_id: 'once', attachments: [file.id] });
    expect(expectMessage(first).attachments?.[0]?.id).toBe(file.id);
    // A retry of the same send is the same message; another send of the same file is refused.
    const retried = await a.request('send_message', { conversation_id: dmId, content: '', client_id: 'once', attachments: [file.id] });
    expect(expectMessage(retried).id).toBe(expectMessage(first).id);
    const again = await send(a, { attachments: [file.id] });
    expect(again.type === 'error' && again.payload.code).toBe(ErrorCode.FileNotFound);
  });

  it('needs text in a message without files, and none in one with them', async () => {
    const empty = await send(a, {});
    expect(empty.type === 'error' && empty.payload.code).toBe(ErrorCode.ContentEmpty);
    const file = await uploadAs(alice, PDF, 'no-caption.pdf');
    expect(expectMessage(await send(a, { attachments: [file.id] })).content).toBe('');
  });

  it('removes the bytes of a deleted message’s files', async () => {
    const file = await uploadAs(alice, PDF, 'regret.pdf');
    const message = expectMessage(await send(a, { content: 'oops', attachments: [file.id] }));
    expect(await stored(file.id)).toBe(true);
    const deleted = await a.request('delete_message', { message_id: message.id });
    if (deleted.type !== 'message_updated') throw new Error(deleted.type);
    expect(deleted.payload.message.attachments).toBeUndefined();
    expect((await download(server.url, bob.token, file.id)).status).toBe(404);
    await eventually(async () => ((await stored(file.id)) ? undefined : true), 'the bytes to be removed');
    await eventually(async () => ((await server.db.all('SELECT id FROM files WHERE id = ?', file.id)).length === 0 ? true : undefined), 'the row to be removed');
  });
});
