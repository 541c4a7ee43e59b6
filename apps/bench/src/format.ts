/** Numbers as people read them: thousands separated, a few significant digits. */
export function num(value: number | null | undefined, digits = 3): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
  if (abs === 0) return '0';
  return Number(value.toPrecision(digits)).toString();
}

export function pct(share: number): string {
  return Number.isFinite(share) ? `${Math.round(share * 100)}%` : '—';
}

/** Progress goes to stderr so stdout holds only the results. */
export function progress(text: string): void {
  process.stderr.write(`${text}\n`);
}
