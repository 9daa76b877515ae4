import { describe, expect, it } from "vitest";
import { remarkCitations, remarkHeadingLevel, splitCitations, type MdastNode } from "./markdown";

describe("splitCitations", () => {
  it("finds single and grouped markers between runs of text", () => {
    expect(splitCitations("Jobs run on workers [1], [2, 3].")).toEqual([
      "Jobs run on workers ",
      { numbers: [1], raw: "[1]" },
      ", ",
      { numbers: [2, 3], raw: "[2, 3]" },
      ".",
    ]);
    expect(splitCitations("[1][2]")).toEqual([
      { numbers: [1], raw: "[1]" },
      { numbers: [2], raw: "[2]" },
    ]);
  });

  it("leaves brackets that are not numbers alone", () => {
    expect(splitCitations("see [the docs] or [a, 1] or []")).toEqual(["see [the docs] or [a, 1] or []"]);
  });
});

describe("remarkCitations", () => {
  it("turns markers in text into cite elements but leaves text inside links alone", () => {
    const tree: MdastNode = {
      type: "root",
      children: [
        {
          type: "paragraph",
          children: [
            { type: "text", value: "Aurora carries 240 [2]. " },
            { type: "link", children: [{ type: "text", value: "[3]" }] },
          ],
        },
      ],
    };
    remarkCitations()(tree);
    expect(tree.children![0]!.children).toEqual([
      { type: "text", value: "Aurora carries 240 " },
      { type: "citation", data: { hName: "cite", hProperties: { dataNumbers: [2] }, hChildren: [{ type: "text", value: "[2]" }] } },
      { type: "text", value: ". " },
      { type: "link", children: [{ type: "text", value: "[3]" }] },
    ]);
  });

  it("reads a `[1]` the text also defines as a link as a citation", () => {
    const tree: MdastNode = { type: "paragraph", children: [{ type: "linkReference", label: "1, 2", referenceType: "shortcut", children: [] }] };
    remarkCitations()(tree);
    expect(tree.children).toMatchObject([{ type: "citation", data: { hProperties: { dataNumbers: [1, 2] } } }]);
  });
});

describe("remarkHeadingLevel", () => {
  const headings = (...depths: number[]): MdastNode => ({ type: "root", children: depths.map((depth) => ({ type: "heading", depth, children: [] })) });

  it("puts the top level at the one asked for, deeper ones following and stopping at 6", () => {
    const tree = headings(2, 3, 5);
    remarkHeadingLevel(4)(tree);
    expect(tree.children!.map((h) => h.depth)).toEqual([4, 5, 6]);
  });
});
