import { describe, expect, it } from "vitest";
import type { ConnectionStatus } from "@ferry/core/client";
import { connectionLabel, formatDuration, formatResult, jobElapsedMs, jobStatusLabel, parseBoundedInt, shortId } from "./format";

const status = (patch: Partial<ConnectionStatus>): ConnectionStatus => ({
  state: "open",
  attempt: 0,
  retryAt: undefined,
  lastClose: undefined,
  detail: undefined,
  ...patch,
});

describe("format", () => {
  it("formats durations at every scale", () => {
    expect(formatDuration(0)).toBe("0 ms");
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(1_234)).toBe("1.2 s");
    expect(formatDuration(42_400)).toBe("42 s");
    expect(formatDuration(245_000)).toBe("4 min 05 s");
    expect(formatDuration(3_720_000)).toBe("1 h 02 min");
    expect(formatDuration(-5)).toBe("0 ms");
  });

  it("measures a running job against now and a finished one against its last update", () => {
    expect(jobElapsedMs({ createdAt: 1_000, updatedAt: 4_000, terminal: false }, 10_000)).toBe(9_000);
    expect(jobElapsedMs({ createdAt: 1_000, updatedAt: 4_000, terminal: true }, 10_000)).toBe(3_000);
  });

  it("shortens ids", () => {
    expect(shortId("3f2a9c1e-1111-2222-3333-444455556666")).toBe("3f2a9c1e");
  });

  it("labels job statuses", () => {
    expect(jobStatusLabel({ status: "queued", retrying: false, queuePosition: 3 })).toEqual({ label: "Queued (#3)", tone: "neutral" });
    expect(jobStatusLabel({ status: "processing", retrying: false, queuePosition: undefined }).label).toBe("Running");
    expect(jobStatusLabel({ status: "processing", retrying: true, queuePosition: undefined })).toEqual({ label: "Retrying", tone: "warn" });
    expect(jobStatusLabel({ status: "failed", retrying: false, queuePosition: undefined }).tone).toBe("bad");
  });

  it("labels the connection, counting down to the next retry", () => {
    expect(connectionLabel(status({}), 0)).toEqual({ label: "Connected", tone: "good" });
    expect(connectionLabel(status({ state: "reconnecting", attempt: 2, retryAt: 5_400 }), 1_000)).toMatchObject({
      label: "Reconnecting…",
      hint: "retrying in 5 s",
    });
    expect(connectionLabel(status({ state: "reconnecting", retryAt: 900 }), 1_000).hint).toBe("retrying now");
    expect(connectionLabel(status({ state: "connecting" }), 0).hint).toBeUndefined();
    expect(connectionLabel(status({ state: "unauthorized" }), 0).tone).toBe("bad");
  });

  it("renders results as text", () => {
    expect(formatResult(undefined)).toBe("");
    expect(formatResult("plain")).toBe("plain");
    expect(formatResult({ a: 1 })).toBe('{\n  "a": 1\n}');
  });

  it("parses bounded integers from form fields", () => {
    expect(parseBoundedInt("5", 1, 10)).toBe(5);
    expect(parseBoundedInt(" 10 ", 1, 10)).toBe(10);
    expect(parseBoundedInt("11", 1, 10)).toBeUndefined();
    expect(parseBoundedInt("2.5", 1, 10)).toBeUndefined();
    expect(parseBoundedInt("", 1, 10)).toBeUndefined();
  });
});
