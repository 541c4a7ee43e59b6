/** Waits until `probe` returns something other than undefined or false, and returns it. */
export async function until<T>(probe: () => T | undefined | false, what = 'the condition', timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(10);
  }
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
