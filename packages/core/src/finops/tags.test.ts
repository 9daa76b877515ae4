import { describe, expect, it } from "vitest";
import { describeUntagged, summarizeTags } from "./tags";

describe("summarizeTags", () => {
  it("reads tag coverage, and words a negative untagged sum (credits) without a negative share", () => {
    const tags = summarizeTags(
      [
        { kind: "overall", taggedCost: 80, untaggedCost: 20, taggedEffectiveCost: null, untaggedEffectiveCost: null, taggedRows: 8, untaggedRows: 2, invalidTagRows: 1 },
        { kind: "provider", provider: "AWS", taggedCost: 80, untaggedCost: 0, taggedEffectiveCost: null, untaggedEffectiveCost: null, taggedRows: 8, untaggedRows: 0, invalidTagRows: 0 },
        { kind: "tagKey", tagKey: "team", billedCost: 70, effectiveCost: null, rows: 7, values: 3 },
        { kind: "tagKey", tagKey: "env", billedCost: 80, effectiveCost: null, rows: 8, values: 2 },
      ],
      100,
    );
    expect(tags).toMatchObject({ untaggedCost: 20, untaggedShare: 0.2, invalidTagRows: 1, byProvider: [{ provider: "AWS", untaggedShare: 0 }] });
    expect(tags.keys.map((k) => [k.key, k.share])).toEqual([
      ["env", 0.8],
      ["team", 0.7],
    ]);
    expect(describeUntagged({ available: true, ...tags, queries: [] }, "USD")).toBe("20% of billed cost ($20.00) carries no tags");
    expect(describeUntagged({ available: true, untaggedCost: -1.97, untaggedShare: -0.12, byProvider: [], keys: [], queries: [] }, "USD")).toBe(
      "rows without tags sum to -$1.97: untagged credits outweigh untagged charges",
    );
  });
});
