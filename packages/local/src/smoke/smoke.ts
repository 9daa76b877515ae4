import WebSocket from "ws";
import { ServerEvent } from "@ferry/core/protocol";

export interface SmokeOptions {
  /** The stage's WebSocket URL (`wss://…/$default`, or the offline gateway's). */
  url: string;
  token: string;
  steps?: number;
  stepMs?: number;
  failAttempts?: number;
  /** Give up after this long without the job finishing. */
  timeoutMs?: number;
  /** Called with each line to print. */
  print?: (line: string) => void;
}

export interface SmokeResult {
  ok: boolean;
  jobId?: string;
  /** Milliseconds from `submit_job` to each event, in arrival order. */
  events: Array<{ type: string; seq?: number; ms: number; detail: string }>;
  error?: string;
}

/**
 * Runs one `canary` job against any stage, the way a browser would: connect with
 * `?token=`, submit, and follow the job's events to its end. Every frame is
 * validated against the wire schemas, so a deployment that drifted from the
 * protocol fails here too.
 */
export async function runSmoke(o: SmokeOptions): Promise<SmokeResult> {
  const print = o.print ?? (() => {});
  const events: SmokeResult["events"] = [];
  const started = performance.now();
  const ms = () => Math.round(performance.now() - started);
  let ws: WebSocket | undefined;
  try {
    ws = await open(`${o.url}${o.url.includes("?") ? "&" : "?"}token=${encodeURIComponent(o.token)}`);
    print(`connected to ${o.url} in ${ms()} ms`);
    const requestId = `smoke-${Date.now()}`;
    const submittedAt = performance.now();
    const since = () => Math.round(performance.now() - submittedAt);
    const result = await new Promise<SmokeResult>((resolve) => {
      const timer = setTimeout(() => resolve({ ok: false, events, error: `no job_completed within ${o.timeoutMs ?? 60_000} ms` }), o.timeoutMs ?? 60_000);
      let jobId: string | undefined;
      const finish = (r: SmokeResult) => (clearTimeout(timer), resolve(r));
      ws!.on("message", (data) => {
        const parsed = ServerEvent.safeParse(JSON.parse(String(data)));
        if (!parsed.success) return finish({ ok: false, jobId, events, error: `a frame does not match the protocol: ${String(data).slice(0, 200)}` });
        const e = parsed.data;
        if (e.type === "error") return finish({ ok: false, jobId, events, error: `${e.code}: ${e.message}` });
        if (!("jobId" in e) || (jobId && e.jobId !== jobId)) return;
        if (e.type === "job_queued" && e.requestId === requestId) jobId = e.jobId;
        if (e.jobId !== jobId) return;
        const detail = describe(e);
        const seq = "seq" in e ? e.seq : undefined;
        events.push({ type: e.type, seq, ms: since(), detail });
        print(`${String(since()).padStart(6)} ms  #${seq ?? "-"} ${e.type.padEnd(16)} ${detail}`);
        if (e.type === "job_completed") finish({ ok: true, jobId, events });
        if (e.type === "job_failed" || e.type === "job_cancelled") finish({ ok: false, jobId, events, error: `${e.type}: ${detail}` });
      });
      ws!.on("close", (code, reason) => finish({ ok: false, jobId, events, error: `connection closed (${code} ${String(reason)})` }));
      ws!.send(JSON.stringify({ action: "submit_job", requestId, kind: "canary", input: { steps: o.steps ?? 5, stepMs: o.stepMs ?? 200, failAttempts: o.failAttempts ?? 0 } }));
    });
    return result;
  } catch (error) {
    return { ok: false, events, error: (error as Error).message };
  } finally {
    ws?.removeAllListeners("close");
    ws?.close();
  }
}

function describe(e: ServerEvent): string {
  switch (e.type) {
    case "job_queued":
      return `${e.message}${e.queuePosition ? ` (position ${e.queuePosition})` : ""}`;
    case "progress_update":
      return `${e.progress}% ${e.stage}: ${e.message}`;
    case "job_output":
      return JSON.stringify(e.delta.trim().slice(0, 60));
    case "job_completed":
      return e.resultUrl ? `result at ${e.resultUrl}` : JSON.stringify(e.result).slice(0, 120);
    case "job_failed":
      return `${e.code}: ${e.error}`;
    default:
      return "";
  }
}

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once("open", () => resolve(ws));
    ws.once("error", reject);
    ws.once("unexpected-response", (_req, res) =>
      reject(new Error(`the handshake was refused with HTTP ${res.statusCode}${res.statusCode === 401 ? " (is the token valid for this stage?)" : ""}`)),
    );
  });
}
