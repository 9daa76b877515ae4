import { describe, expect, it } from "vitest";
import { formatRequestTime } from "./events";
import { newConnectionId, newTraceId } from "./ids";

describe("formatRequestTime", () => {
  it("formats Common Log Format in UTC", () => {
    expect(formatRequestTime(Date.UTC(2024, 0, 20, 11, 55, 0))).toBe("20/Jan/2024:11:55:00 +0000");
    expect(formatRequestTime(Date.UTC(2023, 11, 5, 3, 4, 9, 999))).toBe("05/Dec/2023:03:04:09 +0000");
  });
});

describe("ids", () => {
  it("connection ids are 16 base64url characters ending in '=' and need URL-encoding", () => {
    const ids = new Set(Array.from({ length: 500 }, newConnectionId));
    expect(ids.size).toBe(500);
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_-]{15}=$/);
      expect(encodeURIComponent(id)).toMatch(/%3D$/);
      expect(Buffer.from(id, "base64url")).toHaveLength(11);
    }
  });

  it("trace ids follow the X-Ray format", () => {
    expect(newTraceId(Date.UTC(2024, 0, 1))).toMatch(/^Root=1-65920080-[0-9a-f]{24}$/);
  });
});
