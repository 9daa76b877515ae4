import WebSocket from "ws";

export type Frame = Record<string, any>;

/**
 * A plain `ws` client that records every frame, for end-to-end tests: it is
 * deliberately not our FerryClient, to prove a foreign client works.
 */
export class TestClient {
  readonly frames: Frame[] = [];
  #waiters: Array<{ test: (f: Frame) => boolean; resolve: (f: Frame) => void }> = [];
  closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on("message", (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      this.frames.push(frame);
      this.#waiters = this.#waiters.filter((w) => (w.test(frame) ? (w.resolve(frame), false) : true));
    });
    this.closed = new Promise((resolve) => ws.once("close", (code, reason) => resolve({ code, reason: String(reason) })));
  }

  static async open(url: string, token?: string): Promise<TestClient> {
    const ws = new WebSocket(token ? `${url}?token=${encodeURIComponent(token)}` : url);
    const client = new TestClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
      ws.once("unexpected-response", (_req, res) => reject(new Error(`handshake refused: ${res.statusCode}`)));
    });
    return client;
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === "string" ? frame : JSON.stringify(frame));
  }

  /** The first frame (already received or future) matching `test`. */
  next(test: (f: Frame) => boolean, timeoutMs = 15_000): Promise<Frame> {
    const seen = this.frames.find(test);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.slice(-5))}`)), timeoutMs);
      this.#waiters.push({ test, resolve: (f) => (clearTimeout(timer), resolve(f)) });
    });
  }

  ofJob(jobId: string): Frame[] {
    return this.frames.filter((f) => f.jobId === jobId && f.type !== "job_snapshot" && f.type !== "error");
  }

  close(): Promise<{ code: number; reason: string }> {
    this.ws.close(1000);
    return this.closed;
  }
}

/** Status code of a refused handshake, or 101 if it was accepted. */
export function handshakeStatus(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once("open", () => (ws.close(), resolve(101)));
    ws.once("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
    ws.once("error", (e) => (e.message.includes("Unexpected server response") ? undefined : reject(e)));
  });
}

/** Asserts the event list a client got for one job is gap-free and ordered. */
export function seqs(frames: Frame[]): number[] {
  return frames.map((f) => f.seq);
}
