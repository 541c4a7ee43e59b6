/**
 * A latency histogram in microseconds with buckets 2% apart, so loaders can count millions of samples in a fixed
 * array and the coordinator can merge them by adding counts.
 */
const BUCKETS_PER_E = 50;
const SIZE = 1_000; // e^(1000/50) µs ≈ 8 minutes: anything longer lands in the last bucket.

export type Counts = number[];

export class Histogram {
  readonly counts: Counts;
  total = 0;

  constructor(counts?: Counts) {
    this.counts = counts ?? new Array<number>(SIZE).fill(0);
    for (const c of this.counts) this.total += c;
  }

  record(micros: number): void {
    const index = micros <= 1 ? 0 : Math.min(SIZE - 1, Math.floor(Math.log(micros) * BUCKETS_PER_E));
    this.counts[index]! += 1;
    this.total += 1;
  }

  add(other: Histogram | Counts): void {
    const counts = Array.isArray(other) ? other : other.counts;
    for (let i = 0; i < SIZE; i++) {
      this.counts[i]! += counts[i] ?? 0;
      this.total += counts[i] ?? 0;
    }
  }

  /** The value below which a fraction q of the samples lie, in milliseconds; NaN without samples. */
  quantileMs(q: number): number {
    if (this.total === 0) return Number.NaN;
    const rank = q * this.total;
    let seen = 0;
    for (let i = 0; i < SIZE; i++) {
      seen += this.counts[i]!;
      // The bucket's geometric middle: at most 1% off.
      if (seen >= rank && this.counts[i]! > 0) return Math.exp((i + 0.5) / BUCKETS_PER_E) / 1000;
    }
    return Math.exp(SIZE / BUCKETS_PER_E) / 1000;
  }
}

/** A monotonic clock shared by all processes on the machine (CLOCK_MONOTONIC), in microseconds. */
export function nowMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}
