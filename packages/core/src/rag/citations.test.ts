import { describe, expect, it } from "vitest";
import { CitationGuard, citationsFor, citedNumbers } from "./citations";
import type { Source } from "./sources";

/** Runs text through a guard in the given pieces; returns what went out, piece by piece. */
function stream(known: number[], pieces: string[]): { out: string[]; text: string; used: number[] } {
  const guard = new CitationGuard(known);
  const out = [...pieces.map((p) => guard.push(p)), guard.end()];
  return { out, text: out.join(""), used: guard.used };
}

describe("CitationGuard", () => {
  it("passes known markers through, even when a delta splits them", () => {
    const { text, used } = stream([1, 2], ["Loops are traced [", "1", "] and compiled [2", "]."]);
    expect(text).toBe("Loops are traced [1] and compiled [2].");
    expect(used).toEqual([1, 2]);
  });

  it("removes markers of sources the model was not given, with the space before them", () => {
    const { text, used } = stream([1, 2, 3], ["It runs 25 times faster [7]. ", "See also [3][12] and [0]."]);
    expect(text).toBe("It runs 25 times faster. See also [3] and.");
    expect(used).toEqual([3]);
  });

  it("keeps only the known numbers of a list", () => {
    expect(stream([1, 2], ["Both agree [2, 9; 1]."]).text).toBe("Both agree [2, 1].");
    expect(stream([1, 2], ["Both agree [1, 2]."]).text).toBe("Both agree [1, 2].");
  });

  it("leaves brackets that are not markers alone: links, [sic], unfinished markers", () => {
    const text = "See [the paper](https://x.org) [sic] and a[i] or [1 at the end [2";
    expect(stream([1, 2], [text]).text).toBe(text);
  });

  it("keeps a line break before a removed marker", () => {
    expect(stream([1], ["First line.\n[5] Second line [1]."]).text).toBe("First line.\n Second line [1].");
  });

  it("gives the same text however the stream is cut, and every marker it lets out is known", () => {
    const answer = "The paper appeared at PLDI [1]. It reports speedups of 10x [2, 4] [3] and more [9]; see [sic] [ 2 ].";
    const whole = stream([1, 2, 3], [answer]).text;
    expect(whole).toBe("The paper appeared at PLDI [1]. It reports speedups of 10x [2] [3] and more; see [sic] [ 2 ].");
    for (let size = 1; size <= 7; size++) {
      const pieces = answer.match(new RegExp(`[\\s\\S]{1,${size}}`, "g"))!;
      expect(stream([1, 2, 3], pieces).text, `pieces of ${size}`).toBe(whole);
    }
    expect(citedNumbers(whole).every((n) => [1, 2, 3].includes(n))).toBe(true);
  });

  it("holds back only what could still become a marker", () => {
    const { out } = stream([1], ["Hello world", " [", "1] done"]);
    expect(out).toEqual(["Hello world", "", " [1] done", ""]);
  });
});

describe("citationsFor", () => {
  const source = (n: number, documentId: string, page: number, distance: number): Source => ({
    n,
    documentId,
    title: "Trace Trees",
    filename: "t.pdf",
    page,
    chunks: [n],
    text: `text ${n}`,
    distance,
    bestText: `best text of source ${n}`,
  });
  const sources = [source(1, "a", 10, 0.25), source(2, "a", 11, 0.5), source(3, "b", 1, 0.6)];

  it("lists only the sources the answer used, under their own numbers, with score = 1 − distance", () => {
    expect(citationsFor([3, 1], sources)).toEqual([
      { n: 1, documentId: "a", title: "Trace Trees", page: 10, score: 0.75, snippet: "best text of source 1" },
      { n: 3, documentId: "b", title: "Trace Trees", page: 1, score: 0.4, snippet: "best text of source 3" },
    ]);
  });

  it("ignores numbers that have no source", () => {
    expect(citationsFor([5], sources)).toEqual([]);
  });
});
