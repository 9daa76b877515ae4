import type { ConnectionStatus, JobState } from "@ferry/core/client";

/** The first 8 characters of an id: enough to tell jobs apart on screen. */
export function shortId(id: string): string {
  return id.replace(/-/g, "").slice(0, 8);
}

/** `850 ms`, `12.3 s`, `4 min 05 s`, `1 h 02 min`. */
export function formatDuration(ms: number): string {
  const safe = Math.max(0, Math.round(ms));
  if (safe < 1_000) return `${safe} ms`;
  if (safe < 60_000) return `${(safe / 1_000).toFixed(safe < 10_000 ? 1 : 0)} s`;
  const totalSeconds = Math.floor(safe / 1_000);
  if (totalSeconds < 3_600) {
    return `${Math.floor(totalSeconds / 60)} min ${String(totalSeconds % 60).padStart(2, "0")} s`;
  }
  const totalMinutes = Math.floor(totalSeconds / 60);
  return `${Math.floor(totalMinutes / 60)} h ${String(totalMinutes % 60).padStart(2, "0")} min`;
}

/** How long a job has run so far, or ran in total once finished. */
export function jobElapsedMs(job: Pick<JobState, "createdAt" | "updatedAt" | "terminal">, now: number): number {
  return (job.terminal ? job.updatedAt : now) - job.createdAt;
}

export type Tone = "neutral" | "busy" | "good" | "bad" | "warn";

/** A job's status in words, and the colour family its badge uses. */
export function jobStatusLabel(job: Pick<JobState, "status" | "retrying" | "queuePosition">): { label: string; tone: Tone } {
  switch (job.status) {
    case "queued":
      return { label: job.queuePosition ? `Queued (#${job.queuePosition})` : "Queued", tone: "neutral" };
    case "processing":
      return job.retrying ? { label: "Retrying", tone: "warn" } : { label: "Running", tone: "busy" };
    case "completed":
      return { label: "Completed", tone: "good" };
    case "failed":
      return { label: "Failed", tone: "bad" };
    case "cancelled":
      return { label: "Cancelled", tone: "neutral" };
  }
}

/** The connection's state in words, with a hint of what happens next. */
export function connectionLabel(status: ConnectionStatus, now: number): { label: string; tone: Tone; hint?: string } {
  const retry = status.retryAt !== undefined ? Math.max(0, Math.ceil((status.retryAt - now) / 1_000)) : undefined;
  const retryHint = retry === undefined ? undefined : retry === 0 ? "retrying now" : `retrying in ${retry} s`;
  switch (status.state) {
    case "open":
      return { label: "Connected", tone: "good" };
    case "connecting":
      return { label: "Connecting…", tone: "busy", hint: status.attempt > 0 ? retryHint : undefined };
    case "reconnecting":
      return { label: "Reconnecting…", tone: "warn", hint: retryHint };
    case "unauthorized":
      return { label: "Connection refused", tone: "bad", hint: "the token was not accepted" };
    case "closed":
      return { label: "Disconnected", tone: "neutral" };
  }
}

/** A result as readable text: strings as they are, anything else as indented JSON. */
export function formatResult(result: unknown): string {
  if (result === undefined) return "";
  if (typeof result === "string") return result;
  try {
    return JSON.stringify(result, null, 2) ?? String(result);
  } catch {
    return String(result);
  }
}

/** Parses a whole number within bounds from a form field; undefined when it is not one. */
export function parseBoundedInt(value: string, min: number, max: number): number | undefined {
  if (!/^\s*-?\d+\s*$/.test(value)) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
}
