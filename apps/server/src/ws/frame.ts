import type { ServerEvent } from '@hearth/protocol';

/** Whole WebSocket text frames (one or several back to back), headers included, ready to be written as is to any client's socket. */
export type Frame = Buffer & { readonly __frame: true };

/**
 * Frames text once for every recipient (RFC 6455 §5.2: FIN, text opcode, unmasked as the server must send).
 * `ws` frames each send anew, a header and two writes per recipient; a broadcast framed once costs one write each.
 */
export function textFrame(text: string): Frame {
  const length = Buffer.byteLength(text);
  const header = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  const frame = Buffer.allocUnsafe(header + length);
  frame[0] = 0x81;
  if (header === 2) {
    frame[1] = length;
  } else if (header === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeBigUInt64BE(BigInt(length), 2);
  }
  frame.write(text, header, 'utf8');
  return frame as Frame;
}

/** Serialises and frames an event once, so every recipient gets the same bytes. */
export function encode(event: ServerEvent): Frame {
  return textFrame(JSON.stringify(event));
}
