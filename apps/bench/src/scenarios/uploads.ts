import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import WebSocket from 'ws';
import { Histogram } from '../histogram.js';
import { num, progress } from '../format.js';
import type { Options } from '../options.js';
import type { Figure, ScenarioResult } from '../results.js';
import type { Target } from '../targets/target.js';
import { CpuMeter, memory } from '../proc.js';
import { Session } from './session.js';

/** How often the server's memory is read while the photos go up. */
const SAMPLE_MS = 20;

/**
 * (7) Uploads: one member uploads many phone photos at once, each sent in a message of its own to a DM; the other
 * member waits for each picture's thumbnail (the `message_updated` that says it is prepared) and fetches it, as the
 * page shows it. Ours only: the other servers keep no files.
 */
export async function uploads(targets: Target[], options: Options): Promise<ScenarioResult> {
  const { photos, bytes } = options.uploads;
  const scenario = `uploads, ${num(photos)} photos of ${num(bytes / 1e6)} MB at once`;
  const figures: Figure[] = [];
  const details: Record<string, unknown> = { photos, bytes };
  const photo = await phonePhoto(bytes);
  for (const target of targets) {
    const session = await Session.open(target, { users: 2, dms: true, history: 0 }, 1);
    const base = session.running.urls[0]!.replace(/^ws/, 'http').replace(/\/ws$/, '');
    const [sender, watcher] = await Promise.all([0, 1].map((i) => signIn(session.running.urls[0]!, session.populated.tokens[i]!))) as [Member, Member];
    try {
      const dmId = session.populated.dmIds[0]!;
      const before = session.memory();
      let peakRssMb = before.rssMb;
      const sampling = setInterval(() => (peakRssMb = Math.max(peakRssMb, sumRss(session.running.pids))), SAMPLE_MS);
      const cpu = new CpuMeter(session.running.pids);
      const started = new Map<number, number>();
      const shown = new Histogram();
      const thumbnails = new Promise<void>((resolve) => {
        let seen = 0;
        watcher.on('message', (data) => {
          const event = JSON.parse(String(data)) as { type: string; payload: { message?: { id: number; attachments?: { id: string; thumbnail?: true }[] } } };
          const file = event.type === 'message_updated' ? event.payload.message?.attachments?.[0] : undefined;
          const at = event.payload.message === undefined ? undefined : started.get(event.payload.message.id);
          if (file?.thumbnail !== true || at === undefined) return;
          void fetch(`${base}/files/${file.id}/t?size=thumbnail`, { headers: { Authorization: `Bearer ${watcher.token}` } })
            .then((response) => response.arrayBuffer())
            .then(() => {
              shown.record((performance.now() - at) * 1000);
              if (++seen === photos) resolve();
            });
        });
      });
      const t0 = performance.now();
      let uploadedAt = 0;
      await Promise.all(
        Array.from({ length: photos }, async (_, i) => {
          const begun = performance.now();
          const response = await fetch(`${base}/api/files?name=photo-${i}.jpg`, { method: 'POST', headers: { Authorization: `Bearer ${sender.token}` }, body: photo });
          if (response.status !== 201) throw new Error(`upload refused: ${response.status} ${await response.text()}`);
          const { id } = (await response.json()) as { id: string };
          uploadedAt = Math.max(uploadedAt, performance.now());
          const messageId = await sender.send(dmId, `u${i}`, id);
          started.set(messageId, begun);
        }),
      );
      const uploadSec = (uploadedAt - t0) / 1000;
      await thumbnails;
      const allSec = (performance.now() - t0) / 1000;
      clearInterval(sampling);
      const serverCpu = cpu.read();
      const mbPerSec = (photos * photo.length) / 1e6 / uploadSec;
      const result = {
        photoBytes: photo.length,
        uploadSec,
        allSec,
        mbPerSec,
        shownP50Ms: shown.quantileMs(0.5),
        shownP99Ms: shown.quantileMs(0.99),
        rssBeforeMb: before.rssMb,
        peakRssMb,
        serverCpuMsPerPhoto: serverCpu.cpuMs / photos,
      };
      details[target.name] = result;
      progress(
        `uploads · ${target.label}: ${num(mbPerSec)} MB/s up, thumbnail shown p50 ${num(result.shownP50Ms)} ms p99 ${num(result.shownP99Ms)} ms, ` +
          `RSS ${num(before.rssMb)} → peak ${num(peakRssMb)} MiB, ${num(result.serverCpuMsPerPhoto)} ms server CPU per photo`,
      );
      const v = (value: number) => ({ [target.name]: value });
      figures.push(
        { scenario, metric: 'upload throughput', unit: 'MB/s', better: 'higher', values: v(mbPerSec) },
        { scenario, metric: 'upload start → thumbnail shown p50', unit: 'ms', better: 'lower', values: v(result.shownP50Ms) },
        { scenario, metric: 'upload start → thumbnail shown p99', unit: 'ms', better: 'lower', values: v(result.shownP99Ms), note: 'pictures are prepared one at a time' },
        { scenario, metric: 'server RSS peak', unit: 'MiB', better: 'lower', values: v(peakRssMb), note: `${num(before.rssMb)} MiB before` },
        { scenario, metric: 'server CPU per photo', unit: 'ms', better: 'lower', values: v(result.serverCpuMsPerPhoto) },
      );
    } finally {
      sender.close();
      watcher.close();
      await session.close();
    }
  }
  return { name: 'uploads', figures, details };
}

/** A phone photo of about `bytes`: noise, which JPEG cannot shrink, 4:3, with an EXIF orientation to apply. */
async function phonePhoto(bytes: number): Promise<Buffer> {
  // JPEG at quality 90 keeps noise at about 1.5 bytes a pixel.
  const pixels = Math.round(bytes / 1.5);
  const width = Math.round(Math.sqrt((pixels * 4) / 3));
  const height = Math.round(pixels / width);
  const raw = randomBytes(width * height * 3);
  return sharp(raw, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).withMetadata({ orientation: 6 }).toBuffer();
}

interface Member {
  token: string;
  on: WebSocket['on'];
  /** Sends a message with one file; resolves with its id. */
  send(conversationId: number, clientId: string, fileId: string): Promise<number>;
  close(): void;
}

async function signIn(url: string, token: string): Promise<Member> {
  const socket = new WebSocket(url);
  const replies = new Map<string, (id: number) => void>();
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => socket.send(JSON.stringify({ type: 'auth', payload: { token } })));
    socket.once('error', reject);
    socket.on('message', (data) => {
      const event = JSON.parse(String(data)) as { type: string; id?: string; payload: { id?: number } };
      if (event.type === 'auth_ok') resolve();
      if (event.id !== undefined && event.type === 'message') replies.get(event.id)?.(event.payload.id!);
    });
  });
  return {
    token,
    on: socket.on.bind(socket),
    send: (conversationId, clientId, fileId) =>
      new Promise((resolve) => {
        replies.set(clientId, resolve);
        socket.send(JSON.stringify({ type: 'send_message', id: clientId, payload: { conversation_id: conversationId, content: '', client_id: clientId, attachments: [fileId] } }));
      }),
    close: () => socket.close(),
  };
}

function sumRss(pids: number[]): number {
  return pids.reduce((sum, pid) => sum + memory(pid).rssMb, 0);
}
