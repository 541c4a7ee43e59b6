import { busTransit } from '../metrics.js';

/** Batches published and not yet heard back, kept at most: more means the subscription is away and will not hear them. */
const MAX_AWAITED = 1_000;

/**
 * Times the bus's way from this process to the others by the one copy of what it publishes that it can hear itself:
 * Redis sends every message on the channel to every subscriber, this process's own subscription included, and in the
 * order published. A message published while the subscription was away is never heard back; it is passed over.
 */
export class Transit {
  private readonly awaited: Array<{ text: string; at: number }> = [];

  published(text: string): void {
    if (this.awaited.length === MAX_AWAITED) this.awaited.shift();
    this.awaited.push({ text, at: performance.now() });
  }

  heardBack(text: string): void {
    const i = this.awaited.findIndex((sent) => sent.text === text);
    if (i === -1) return;
    busTransit.observe((performance.now() - this.awaited[i]!.at) / 1000);
    this.awaited.splice(0, i + 1);
  }
}
