/**
 * Watches the raw client-to-server byte stream and reports the first frame
 * larger than the frame quota or message larger than the message quota.
 *
 * Why not `ws`'s `maxPayload`: it caps whole messages only, so it cannot tell
 * a 40 KB single frame (rejected by AWS's 32 KB frame quota) from the same 40 KB
 * sent as two 20 KB fragments (accepted). Reading frame headers ourselves also
 * catches oversize data as soon as its header arrives, before it is buffered.
 */

export interface FrameLimits {
  maxFrameBytes: number;
  maxMessageBytes: number;
}

export interface FrameViolation {
  kind: "frame" | "message";
  bytes: number;
}

const CONTINUATION = 0x0;
const CONTROL_FRAMES = 0x8;

/**
 * Returns a `data` listener. Attach it before `ws`'s own listener
 * (`socket.prependListener`) so a violation is known before `ws` can emit the
 * message. After the first violation it stops parsing.
 */
export function createFrameGuard(limits: FrameLimits, onViolation: (violation: FrameViolation) => void) {
  let header = Buffer.alloc(0);
  let skip = 0;
  let messageBytes = 0;
  let stopped = false;

  return (chunk: Buffer): void => {
    let offset = 0;
    while (!stopped && offset < chunk.length) {
      if (skip > 0) {
        const n = Math.min(skip, chunk.length - offset);
        skip -= n;
        offset += n;
        continue;
      }
      const needed = headerLength(header);
      const take = Math.min(needed - header.length, chunk.length - offset);
      header = Buffer.concat([header, chunk.subarray(offset, offset + take)]);
      offset += take;
      if (header.length < needed || needed !== headerLength(header)) continue;

      const fin = (header[0]! & 0x80) !== 0;
      const opcode = header[0]! & 0x0f;
      const payload = payloadLength(header);
      header = Buffer.alloc(0);
      skip = payload;
      if (opcode >= CONTROL_FRAMES) continue;

      messageBytes = opcode === CONTINUATION ? messageBytes + payload : payload;
      if (payload > limits.maxFrameBytes) {
        stopped = true;
        onViolation({ kind: "frame", bytes: payload });
      } else if (messageBytes > limits.maxMessageBytes) {
        stopped = true;
        onViolation({ kind: "message", bytes: messageBytes });
      } else if (fin) {
        messageBytes = 0;
      }
    }
  };
}

/** Bytes of the header parsed so far: grows as the length and mask bits become known. */
function headerLength(header: Buffer): number {
  if (header.length < 2) return 2;
  const masked = (header[1]! & 0x80) !== 0;
  const len7 = header[1]! & 0x7f;
  const extended = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
  return 2 + extended + (masked ? 4 : 0);
}

function payloadLength(header: Buffer): number {
  const len7 = header[1]! & 0x7f;
  if (len7 === 126) return header.readUInt16BE(2);
  if (len7 === 127) return header.readUInt32BE(2) * 2 ** 32 + header.readUInt32BE(6);
  return len7;
}
