import { existsSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { ErrorCode, THUMBNAIL_SIZE, type Attachment, type FileLink, type Message } from '@hearth/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catchUp, eventually, messagesIn, Peer, startTestServer, type TestServer } from '../support/harness.js';
import { download, startS3, upload, type TestS3 } from '../support/files.js';

type Account = { user: { id: number; nickname: string }; token: string };

/** A photo as a phone takes it: 64 × 32 pixels stored sideways (EXIF orientation 6), with the camera and a place in it. */
async function phonePhoto(): Promise<Buffer> {
  return sharp({ create: { width: 64, height: 32, channels: 3, background: '#c33' } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .withExif({ IFD0: { Make: 'Hearth Test Camera' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1', GPSLongitudeRef: 'W', GPSLongitude: '0/1 7/1 0/1' } })
    .toBuffer();
}

/** An animated GIF of three 8 × 8 frames. */
async function animation(): Promise<Buffer> {
  const frame = (background: string) => sharp({ create: { width: 8, height: 8, channels: 3, background } }).png().toBuffer();
  return sharp([await frame('#f00'), await frame('#0f0'), await frame('#00f')], { join: { animated: true } }).gif().toBuffer();
}

describe.each(['disk', 's3'] as const)('pictures kept on %s', (kind) => {
  let s3: TestS3 | undefined;
  let server: TestServer;
  let alice: Account;
  let bob: Account;
  let a: Peer;
  let b: Peer;
  let dmId: number;
  let sent = 0;

  const stored = async (key: string) => (kind === 's3' ? s3!.has(key) : existsSync(join(server.dir, 'files', key)));
  const uploadAs = async (account: Account, bytes: Uint8Array, name: string): Promise<Attachment> => {
    const answer = await upload(server.url, account.token, bytes, name);
    expect(answer.status).toBe(201);
    return answer.body as Attachment;
  };
  const send = async (bytes: Buffer, name: string): Promise<Message> => {
    const file = await uploadAs(alice, bytes, name);
    const reply = await a.request('send_message', { conversation_id: dmId, content: '', client_id: `p${sent++}`, attachments: [file.id] });
    if (reply.type !== 'message') throw new Error(reply.type);
    return reply.payload;
  };
  /** The message as the other member hears it once its picture is prepared. */
  const prepared = async (message: Message): Promise<Attachment> => {
    const updated = await b.next('message_updated', (e) => e.payload.message.id === message.id);
    return updated.payload.message.attachments![0]!;
  };
  const linkFor = async (account: Account, id: string): Promise<FileLink> => {
    const response = await fetch(`${server.url}/api/files/${id}/link`, { headers: { Authorization: `Bearer ${account.token}` } });
    expect(response.status).toBe(200);
    return (await response.json()) as FileLink;
  };

  beforeAll(async () => {
    if (kind === 's3') s3 = await startS3();
    server = await startTestServer({ ...s3?.options });
    [alice, bob] = [await server.join('alice'), await server.join('bob')];
    [a, b] = await Promise.all([Peer.signIn(server.wsUrl, alice.token), Peer.signIn(server.wsUrl, bob.token)]);
    const dm = await a.request('create_dm', { user_id: bob.user.id });
    if (dm.type !== 'conversation_created') throw new Error(dm.type);
    dmId = dm.payload.conversation.id;
  });

  afterAll(async () => {
    await Promise.all([a, b].map((peer) => peer.close()));
    await server.destroy();
    await s3?.stop();
  });

  it('serves a phone photo upright, without its camera or GPS, with its size, a placeholder and a thumbnail', async () => {
    const photo = await phonePhoto();
    expect((await sharp(photo).metadata()).exif).toBeDefined();
    const cursor = b.seen('auth_ok')[0]!.payload.cursor ?? 0;
    const message = await send(photo, 'beach.jpg');
    expect(message.attachments![0]).not.toHaveProperty('width');

    const file = await prepared(message);
    expect(file).toMatchObject({ name: 'beach.jpg', type: 'image/jpeg', width: 32, height: 64, thumbnail: true, placeholder: expect.stringMatching(/^[A-Za-z0-9+/=]{8,48}$/) });
    const got = await download(server.url, bob.token, file.id, file.name);
    expect(got.status).toBe(200);
    expect(Number(got.headers.get('content-length'))).toBe(file.size);
    const served = await sharp(got.body as Buffer).metadata();
    expect(served).toMatchObject({ format: 'jpeg', width: 32, height: 64 });
    expect(served.exif).toBeUndefined();
    expect(served.orientation).toBeUndefined();
    expect((got.body as Buffer).includes('Hearth Test Camera')).toBe(false);

    const link = await linkFor(bob, file.id);
    const thumbnail = await fetch(`${server.url}${link.thumbnail_url}`);
    expect(thumbnail.status).toBe(200);
    expect(thumbnail.headers.get('content-type')).toBe('image/webp');
    expect(thumbnail.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'");
    const small = await sharp(Buffer.from(await thumbnail.arrayBuffer())).metadata();
    expect(small).toMatchObject({ format: 'webp', width: 32, height: 64 });

    // A reload, and a device that was away, see the picture as prepared.
    const history = await b.request('load_history', { conversation_id: dmId });
    if (history.type !== 'history') throw new Error(history.type);
    expect(history.payload.messages.find((m) => m.id === message.id)?.attachments).toEqual([file]);
    expect(messagesIn((await catchUp(b, cursor)).changes).find((m) => m.id === message.id)?.attachments).toEqual([file]);
  });

  it('makes a thumbnail no larger than its bound of a large picture', async () => {
    const big = await sharp({ create: { width: 1600, height: 900, channels: 3, background: '#39c' } }).png().toBuffer();
    const file = await prepared(await send(big, 'wide.png'));
    expect(file).toMatchObject({ width: 1600, height: 900, type: 'image/png' });
    const link = await linkFor(bob, file.id);
    const small = await sharp(Buffer.from(await (await fetch(`${server.url}${link.thumbnail_url}`)).arrayBuffer())).metadata();
    expect(small).toMatchObject({ width: THUMBNAIL_SIZE, height: Math.round((THUMBNAIL_SIZE * 900) / 1600) });
  });

  it('keeps an animated GIF animated, and its thumbnail too', async () => {
    const file = await prepared(await send(await animation(), 'wave.gif'));
    expect(file).toMatchObject({ type: 'image/gif', width: 8, height: 8 });
    const got = await download(server.url, bob.token, file.id);
    expect((await sharp(got.body as Buffer, { animated: true }).metadata()).pages).toBe(3);
    const link = await linkFor(bob, file.id);
    const thumbnail = Buffer.from(await (await fetch(`${server.url}${link.thumbnail_url}`)).arrayBuffer());
    expect((await sharp(thumbnail, { animated: true }).metadata()).pages).toBe(3);
  });

  it('serves bytes that only begin like a picture as a download, without a thumbnail', async () => {
    const broken = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(200, 0x41)]);
    const file = await prepared(await send(broken, 'broken.jpg'));
    expect(file).toMatchObject({ type: 'application/octet-stream' });
    expect(file).not.toHaveProperty('thumbnail');
    const got = await download(server.url, bob.token, file.id);
    expect(got.headers.get('content-disposition')).toMatch(/^attachment;/);
  });

  it('lets only the uploader read a picture until it is prepared, and tells others when to ask again', async () => {
    const file = await prepared(await send(await phonePhoto(), 'again.jpg'));
    // As it is between the send and the picture's preparation.
    await server.db.run('UPDATE files SET prepared_at = NULL WHERE id = ?', [file.id]);
    const early = await download(server.url, bob.token, file.id);
    expect(early.status).toBe(503);
    expect(early.body.error.code).toBe(ErrorCode.FileNotReady);
    expect(early.headers.get('retry-after')).toBe('1');
    const link = await fetch(`${server.url}/api/files/${file.id}/link`, { headers: { Authorization: `Bearer ${bob.token}` } });
    expect(link.status).toBe(503);
    expect((await download(server.url, alice.token, file.id)).status).toBe(200);
  });

  it('removes a deleted message’s picture and its thumbnail', async () => {
    const message = await send(await phonePhoto(), 'gone.jpg');
    const file = await prepared(message);
    expect(await stored(`${file.id}-thumbnail`)).toBe(true);
    const deleted = await a.request('delete_message', { message_id: message.id });
    expect(deleted.type).toBe('message_updated');
    await eventually(async () => ((await stored(file.id)) || (await stored(`${file.id}-thumbnail`)) ? undefined : true), 'the picture and its thumbnail to be removed');
  });
});

describe('pictures left unprepared by a stop', () => {
  it('are prepared at the next start', async () => {
    let server = await startTestServer();
    const alice = await server.join('alice');
    const file = (await upload(server.url, alice.token, await phonePhoto(), 'later.jpg')).body as Attachment;
    const a = await Peer.signIn(server.wsUrl, alice.token);
    const lobby = a.seen('auth_ok')[0]!.payload.conversations[0]!.id;
    await a.request('send_message', { conversation_id: lobby, content: '', client_id: 'later', attachments: [file.id] });
    await server.consumersCaughtUp();
    await eventually(async () => ((await server.db.all('SELECT id FROM files WHERE id = ? AND prepared_at IS NOT NULL', file.id)).length === 1 ? true : undefined), 'the picture to be prepared');
    await a.close();
    await server.close();
    // As a stop between the send and the preparation leaves it.
    await server.db.run('UPDATE files SET prepared_at = NULL WHERE id = ?', [file.id]);
    server = await startTestServer({}, server);
    try {
      await eventually(async () => ((await server.db.all('SELECT id FROM files WHERE id = ? AND prepared_at IS NOT NULL', file.id)).length === 1 ? true : undefined), 'the picture to be prepared after the start');
    } finally {
      await server.destroy();
    }
  });
});
