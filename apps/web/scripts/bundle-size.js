// Prints the size of the built JavaScript and CSS, raw and gzipped, so growth is visible in every build.
import { readdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const dir = new URL('../dist/assets/', import.meta.url);
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
const totals = { js: [0, 0], css: [0, 0] };
for (const name of readdirSync(dir)) {
  const kind = name.endsWith('.js') ? 'js' : name.endsWith('.css') ? 'css' : undefined;
  if (kind === undefined) continue;
  const bytes = readFileSync(new URL(name, dir));
  totals[kind][0] += bytes.length;
  totals[kind][1] += gzipSync(bytes).length;
}
for (const [kind, [raw, gzip]] of Object.entries(totals)) {
  console.log(`Bundle ${kind.toUpperCase()}: ${kib(raw)} (${kib(gzip)} gzipped)`);
}
