import { describe, expect, it } from "vitest";
import { fetchResult } from "./job-result";

const answering = (status: number, body: string): typeof fetch => async () => new Response(body, { status });

describe("fetchResult", () => {
  it("downloads and parses a result delivered by reference", async () => {
    expect(await fetchResult("https://bucket/r.json", answering(200, '{"response":"# Report"}'))).toEqual({ response: "# Report" });
  });

  it("says why a download failed, in words for the page", async () => {
    await expect(fetchResult("u", answering(403, "<Error/>"))).rejects.toThrow(
      "The result could not be downloaded: storage answered HTTP 403 (the download link has probably expired).",
    );
    await expect(fetchResult("u", answering(200, "not json"))).rejects.toThrow("The downloaded result is not valid JSON.");
    const offline: typeof fetch = async () => {
      throw new TypeError("Failed to fetch");
    };
    await expect(fetchResult("u", offline)).rejects.toThrow("The result could not be downloaded: Failed to fetch");
  });
});
