import { describe, expect, it } from "vitest";
import { createFrameGuard, type FrameViolation } from "./frame-guard";

/** Builds a masked client frame header (+ payload) like a browser would send. */
function frame(opcode: number, payloadLength: number, fin = true): Buffer {
  let header: Buffer;
  if (payloadLength < 126) {
    header = Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | payloadLength]);
  } else if (payloadLength < 65536) {
    header = Buffer.alloc(4);
    header.writeUInt16BE(payloadLength, 2);
    header[1] = 0x80 | 126;
  } else {
    header = Buffer.alloc(10);
    header.writeUInt32BE(Math.floor(payloadLength / 2 ** 32), 2);
    header.writeUInt32BE(payloadLength % 2 ** 32, 6);
    header[1] = 0x80 | 127;
  }
  header[0] = (fin ? 0x80 : 0) | opcode;
  return Buffer.concat([header, Buffer.alloc(4, 7), Buffer.alloc(payloadLength, 0x61)]);
}

function run(limits: { maxFrameBytes: number; maxMessageBytes: number }, stream: Buffer, chunkSize = stream.length) {
  const violations: FrameViolation[] = [];
  const guard = createFrameGuard(limits, (v) => violations.push(v));
  for (let i = 0; i < stream.length; i += chunkSize) guard(stream.subarray(i, i + chunkSize));
  return violations;
}

const limits = { maxFrameBytes: 200, maxMessageBytes: 500 };

describe("createFrameGuard", () => {
  it("accepts frames and messages within quota, whatever the chunking", () => {
    const stream = Buffer.concat([frame(1, 200), frame(1, 150, false), frame(0, 200, false), frame(9, 4), frame(0, 150)]);
    for (const chunk of [1, 3, 7, 64, stream.length]) expect(run(limits, stream, chunk)).toEqual([]);
  });

  it("reports a single frame over the frame quota, using 16- and 64-bit lengths", () => {
    expect(run(limits, frame(1, 201))).toEqual([{ kind: "frame", bytes: 201 }]);
    expect(run({ maxFrameBytes: 65_536, maxMessageBytes: 1e6 }, frame(2, 70_000), 1)).toEqual([
      { kind: "frame", bytes: 70_000 },
    ]);
  });

  it("reports a fragmented message over the message quota", () => {
    const stream = Buffer.concat([frame(1, 200, false), frame(0, 200, false), frame(0, 101)]);
    expect(run(limits, stream, 5)).toEqual([{ kind: "message", bytes: 501 }]);
  });

  it("resets the message total after each final fragment and ignores control frames", () => {
    const message = Buffer.concat([frame(1, 200, false), frame(10, 125), frame(0, 200)]);
    expect(run(limits, Buffer.concat([message, message, message]), 11)).toEqual([]);
  });

  it("reports only the first violation", () => {
    expect(run(limits, Buffer.concat([frame(1, 300), frame(1, 300)]))).toHaveLength(1);
  });
});
