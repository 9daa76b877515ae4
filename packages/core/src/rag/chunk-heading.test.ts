import { describe, expect, it } from "vitest";
import { MAX_HEADING_CHARS, documentHeading, headedChunk, headingChars } from "./chunk-heading";

describe("chunk headings", () => {
  it("names a document by its title, else by its file name read as words", () => {
    expect(documentHeading({ title: "  Trace-based JIT\n Type Specialization ", filename: "paper.pdf" })).toBe("Trace-based JIT Type Specialization");
    expect(documentHeading({ filename: "google-doc_document.v2.pdf" })).toBe("google doc document v2");
    expect(documentHeading({ title: " ", filename: "Annual Report 2024.PDF" })).toBe("Annual Report 2024");
  });

  it("keeps a long name to a heading's length, cut at a word", () => {
    const heading = documentHeading({ title: "word ".repeat(100), filename: "x.pdf" });
    expect(heading.length).toBeLessThanOrEqual(MAX_HEADING_CHARS);
    expect(heading.endsWith("word")).toBe(true);
  });

  it("puts the heading on its own line above the chunk, and counts the room it takes", () => {
    expect(headedChunk("Free Culture", "Copyright 2004")).toBe("Free Culture\nCopyright 2004");
    expect(headedChunk("", "Copyright 2004")).toBe("Copyright 2004");
    expect(headingChars("Free Culture")).toBe("Free Culture\n".length);
    expect(headingChars("")).toBe(0);
  });
});
