// Prints the size of the built JavaScript and CSS, raw, gzipped and brotli-compressed, so growth is visible in every
// build; and fails the build when the JavaScript a first visit loads passes its budget, or when any built script
// evaluates strings as code, which the page's Content-Security-Policy (`script-src 'self'`) refuses.
import { readdirSync, readFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

/** Gzipped bytes of JavaScript a first visit may load: what a phone on a weak link waits for before the page works. */
const FIRST_LOAD_GZIP_BUDGET = 60_000;
// Calls that compile a string at run time, however reached (`new Function(`, `new (globalThis.Function)(`,
// `(0, eval)(`); the lookbehind keeps out names that merely end so (`isFunction(`).
const EVAL = [/(?<![\w$])Function\)?\s*\(/, /(?<![\w$])eval\)?\s*\(/];

const dist = new URL('../dist/', import.meta.url);
const assets = new URL('assets/', dist);
const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

/** Raw, gzip and brotli sizes of some files, summed. */
function sizes(urls) {
  const total = { raw: 0, gzip: 0, brotli: 0 };
  for (const url of urls) {
    const bytes = readFileSync(url);
    total.raw += bytes.length;
    total.gzip += gzipSync(bytes).length;
    total.brotli += brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  return total;
}

function line(label, { raw, gzip, brotli }) {
  return `${label}: ${kib(raw)} (${kib(gzip)} gzipped, ${kib(brotli)} brotli)`;
}

/**
 * The scripts index.html loads or preloads, and every module they import statically, transitively: what runs
 * before the page can work. A dynamic `import("…")` is fetched later and is left out.
 */
function firstLoad() {
  const html = readFileSync(new URL('index.html', dist), 'utf8');
  return withImports([...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+\.js)"/g)].map(([, path]) => new URL(path.replace(/^\//, ''), dist)));
}

/** Scripts and every module they import statically, transitively. */
function withImports(pending) {
  const found = new Map();
  while (pending.length > 0) {
    const url = pending.pop();
    if (found.has(url.href)) continue;
    found.set(url.href, url);
    const code = readFileSync(url, 'utf8');
    for (const [, specifier] of code.matchAll(/(?<![\w$.])(?:import|export)\s*(?:[^'"();]*?\bfrom\s*)?["']([^"']+\.js)["']/g)) {
      pending.push(new URL(specifier, url));
    }
  }
  return [...found.values()];
}

const files = readdirSync(assets).map((name) => new URL(name, assets));
const scripts = files.filter((url) => url.pathname.endsWith('.js'));
const loaded = firstLoad();
const later = scripts.filter((url) => !loaded.some((first) => first.href === url.href));

const count = (urls) => `${urls.length} file${urls.length === 1 ? '' : 's'}`;
const first = sizes(loaded);
console.log(`${line('Bundle JS', first)} on first load, ${count(loaded)}`);
// The chat is fetched once someone has a session (from the service worker's cache after the first time): a returning
// visit without that cache loads the first-load scripts and the chat's.
const chat = later.filter((url) => /\/ChatApp-[^/]+\.js$/.test(url.pathname));
if (chat.length > 0) console.log(`${line('Chat JS', sizes([...new Map([...loaded, ...withImports(chat)].map((url) => [url.href, url])).values()]))} for the chat, first load included`);
if (later.length > 0) console.log(`${line('Lazy JS', sizes(later))} on demand, ${count(later)}`);
console.log(line('Bundle CSS', sizes(files.filter((url) => url.pathname.endsWith('.css')))));

if (first.gzip > FIRST_LOAD_GZIP_BUDGET) {
  console.error(`First-load JavaScript is ${first.gzip} bytes gzipped, over its budget of ${FIRST_LOAD_GZIP_BUDGET}.`);
  process.exitCode = 1;
}
for (const url of scripts) {
  const code = readFileSync(url, 'utf8');
  const call = EVAL.map((pattern) => pattern.exec(code)).find((match) => match !== null);
  if (call === undefined) continue;
  const at = call.index;
  console.error(`${url.pathname.split('/').pop()} evaluates a string as code, which the page's CSP refuses: …${code.slice(Math.max(0, at - 40), at + 40)}…`);
  process.exitCode = 1;
}
