import { describe, expect, it } from "vitest";
import { stemWord } from "../adapters/hashing-embedder-text";
import { lexicalCoverage, lexicalTerms } from "./lexical-rerank";

describe("lexicalTerms", () => {
  it("reads words as the embedder does, and also joins neighbours and splits camel case", () => {
    const terms = lexicalTerms("Who compiled PD KIDS for the TraceMonkey team?");
    expect(terms.has(stemWord("compiled"))).toBe(true);
    expect(terms.has("who")).toBe(false); // a stop word
    expect(terms.has(stemWord("pdkids"))).toBe(true); // "PD KIDS" matches a name written "pdkids"
    expect(terms.has(stemWord("tracemonkey"))).toBe(true);
    expect(terms.has(stemWord("monkey"))).toBe(true);
  });

  it("reads text written without spaces as character pairs", () => {
    expect([...lexicalTerms("速結端子")]).toEqual(["速結", "結端", "端子"]);
  });
});

describe("lexicalCoverage", () => {
  it("weighs a word most candidates share less than a rare one", () => {
    const texts = ["copyright law and culture", "copyright terms grew", "copyright notice: Lessig 2004, all rights reserved", "copyright of songs"];
    const shares = lexicalCoverage("Who holds the copyright, and since which year was it reserved?", texts);
    const best = shares.indexOf(Math.max(...shares));
    expect(best).toBe(2);
    expect(shares[0]).toBeLessThan(0.3);
  });

  it("gives every candidate a low share when the question's words are not in any of them", () => {
    const shares = lexicalCoverage("How do I bake sourdough bread at home?", ["The tracer records hot loops.", "Bread and circuses at home."]);
    expect(Math.max(...shares)).toBeLessThan(0.5);
    expect(lexicalCoverage("what is it?", ["anything"])).toEqual([0]);
  });
});
