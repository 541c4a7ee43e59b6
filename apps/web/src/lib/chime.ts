/** A short two-note chime, made on the spot: no sound file to download for a sound most people never turn on. */
let context: AudioContext | undefined;

export function chime(): void {
  if (typeof AudioContext === 'undefined') return;
  context ??= new AudioContext();
  const start = context.currentTime;
  for (const [i, frequency] of [880, 1320].entries()) {
    const tone = context.createOscillator();
    const gain = context.createGain();
    tone.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start + i * 0.12);
    gain.gain.exponentialRampToValueAtTime(0.15, start + i * 0.12 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.12 + 0.3);
    tone.connect(gain).connect(context.destination);
    tone.start(start + i * 0.12);
    tone.stop(start + i * 0.12 + 0.32);
  }
}
