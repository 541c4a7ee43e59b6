import { request } from 'node:http';

/** An HTTP answer as sent: status, headers and body text. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** A raw GET, so a test sets any header it likes (X-Forwarded-For, Authorization). */
export function get(url: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

/** Samples of Prometheus's text format by series, as written: `name{label="value",…}` → value. */
export type Samples = Map<string, number>;

export function parseSamples(text: string): Samples {
  const samples: Samples = new Map();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const space = line.lastIndexOf(' ');
    samples.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return samples;
}

/** Reads /metrics from this machine and parses it; fails on anything but 200. */
export async function scrape(baseUrl: string, headers: Record<string, string> = {}): Promise<Samples> {
  const answer = await get(`${baseUrl}/metrics`, headers);
  if (answer.status !== 200) throw new Error(`/metrics answered ${answer.status}: ${answer.text}`);
  return parseSamples(answer.text);
}

/** A series' value, 0 when it has not been written yet. */
export const sample = (samples: Samples, series: string): number => samples.get(series) ?? 0;
