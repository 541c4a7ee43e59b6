// Measures how soon the join page shows something on a slow link: first contentful paint in headless Chromium,
// over the built app served by the real server, with the network throttled as on a weak mobile connection.
// Run after a build: `npm run first-paint -w @hearth/web`. Needs Chromium (CHROMIUM_PATH, default /usr/bin/chromium).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '@hearth/server';
import { chromium } from 'playwright-core';

const LINKS = [
  { name: '1.6 Mbps, 150 ms', downloadKbps: 1600, uploadKbps: 750, latencyMs: 150 },
  { name: '400 kbps, 400 ms', downloadKbps: 400, uploadKbps: 400, latencyMs: 400 },
];
const RUNS = 3;

const dir = mkdtempSync(join(tmpdir(), 'hearth-first-paint-'));
const server = await startServer({
  port: 0,
  host: '127.0.0.1',
  logLevel: 'silent',
  dbPath: join(dir, 'chat.db'),
  webDir: fileURLToPath(new URL('../dist', import.meta.url)),
});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-quic'],
});
try {
  const invite = await server.createInvite();
  for (const link of LINKS) {
    const samples = [];
    for (let run = 0; run < RUNS; run += 1) samples.push(await firstPaint(invite, link));
    samples.sort((a, b) => a.fcp - b.fcp);
    const median = samples[Math.floor(RUNS / 2)];
    console.log(
      `${link.name}: first contentful paint ${median.fcp.toFixed(0)} ms, ${(median.bytes / 1024).toFixed(1)} KiB transferred (median of ${RUNS})`,
    );
  }
} finally {
  await browser.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}

/** One cold load of an invite link in a fresh context, so nothing is cached. */
async function firstPaint(url, link) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: link.latencyMs,
    downloadThroughput: (link.downloadKbps * 1000) / 8,
    uploadThroughput: (link.uploadKbps * 1000) / 8,
  });
  let bytes = 0;
  cdp.on('Network.loadingFinished', (event) => (bytes += event.encodedDataLength));
  await page.goto(url, { waitUntil: 'load' });
  await page.getByLabel('Nickname').waitFor();
  const fcp = await page.evaluate(
    () => performance.getEntriesByType('paint').find((entry) => entry.name === 'first-contentful-paint')?.startTime ?? NaN,
  );
  await context.close();
  return { fcp, bytes };
}
