import { describe, expect, it } from "vitest";
import { looksGarbled } from "./text-quality";

const prose =
  "The tracer records hot loops as traces and compiles them to machine code. When a side exit is taken, the monitor decides whether to extend the tree or to fall back to the interpreter, which keeps the common case fast. ";

describe("looksGarbled", () => {
  it("accepts prose, tables of words and numbers, and short pages", () => {
    expect(looksGarbled(prose.repeat(3))).toBe(false);
    expect(looksGarbled("Capital Jakarta Berlin Vienna Paris Vatican City 2019 2020 12.5% 13.1% ".repeat(6))).toBe(false);
    expect(looksGarbled("4 ' & % 6")).toBe(false);
  });

  it("flags symbol noise and words fused without spaces", () => {
    expect(looksGarbled("4 ' & % 6 ! ) ( * + , - . / 0 1 2 3 5 7 8 9 : ; < = > ? @ ".repeat(10))).toBe(true);
    expect(looksGarbled("ReplicatingTAMandtestingitspossiblelimitations Overviewofthemodelanditsorigins x1 q2 ".repeat(8))).toBe(true);
  });

  it("does not judge scripts that do not separate words with spaces", () => {
    expect(looksGarbled("行うことができる速結端子は、電線を差し込むだけで接続できる端子である。".repeat(10))).toBe(false);
  });
});
