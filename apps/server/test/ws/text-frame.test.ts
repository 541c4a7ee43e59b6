import * as ws from 'ws';
import { describe, expect, it } from 'vitest';
import { textFrame } from '../../src/ws/frame.js';

// ws exports the parser its clients use, but @types/ws does not declare it.
interface FrameReader {
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  write(chunk: Buffer): void;
}
const { Receiver } = ws as unknown as { Receiver: new (options: { isServer: boolean }) => FrameReader };

/** Reads frames the way a client's ws library does. */
function received(frame: Buffer): Promise<{ text: string; isBinary: boolean }> {
  return new Promise((resolve, reject) => {
    const receiver = new Receiver({ isServer: false });
    receiver.on('message', (data: Buffer, isBinary: boolean) => resolve({ text: data.toString(), isBinary }));
    receiver.on('error', reject);
    receiver.write(frame);
  });
}

describe('a frame made once for many recipients', () => {
  it.each([
    ['empty', ''],
    ['125 bytes, the largest short length', 'x'.repeat(125)],
    ['126 bytes, the smallest 16-bit length', 'x'.repeat(126)],
    ['65,535 bytes, the largest 16-bit length', 'x'.repeat(65_535)],
    ['65,536 bytes, a 64-bit length', 'x'.repeat(65_536)],
    ['multi-byte characters, counted in bytes', 'héllo 👋 '.repeat(40)],
  ])('reads back as the same text frame: %s', async (_name, text) => {
    expect(await received(textFrame(text))).toEqual({ text, isBinary: false });
  });
});
