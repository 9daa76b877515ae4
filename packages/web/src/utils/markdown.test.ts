import { describe, expect, it } from "vitest";
import { inlineText, parseInline, parseMarkdown } from "./markdown";

describe("parseMarkdown", () => {
  it("reads a report: headings, paragraphs, lists, a table and code", () => {
    const blocks = parseMarkdown(
      [
        "# Cost report",
        "",
        "Spend was **$16.04** in *September*, mostly `EC2`.",
        "",
        "## Top services",
        "",
        "| Service | Billed | Share |",
        "|:--|--:|:-:|",
        "| Amazon EC2 | 14.60 | 91% |",
        "| RDS \\| Aurora | 0.35 |",
        "",
        "1. Rightsize idle instances",
        "   - check CPU first",
        "2. Buy a Savings Plan",
        "",
        "```sql",
        "SELECT 1",
        "```",
        "---",
      ].join("\n"),
    );
    expect(blocks.map((b) => b.type)).toEqual(["heading", "paragraph", "heading", "table", "list", "code", "rule"]);
    expect(blocks[0]).toEqual({ type: "heading", level: 1, content: [{ type: "text", text: "Cost report" }] });
    expect(blocks[1]).toMatchObject({
      content: [
        { type: "text", text: "Spend was " },
        { type: "strong", children: [{ type: "text", text: "$16.04" }] },
        { type: "text", text: " in " },
        { type: "em", children: [{ type: "text", text: "September" }] },
        { type: "text", text: ", mostly " },
        { type: "code", text: "EC2" },
        { type: "text", text: "." },
      ],
    });
    const table = blocks[3]!;
    if (table.type !== "table") throw new Error("not a table");
    expect(table.align).toEqual(["left", "right", "center"]);
    expect(table.rows.map((row) => row.map(inlineText))).toEqual([
      ["Amazon EC2", "14.60", "91%"],
      ["RDS | Aurora", "0.35", ""],
    ]);
    const list = blocks[4]!;
    if (list.type !== "list") throw new Error("not a list");
    expect(list.ordered).toBe(true);
    expect(list.items.map((i) => inlineText(i.content))).toEqual(["Rightsize idle instances", "Buy a Savings Plan"]);
    expect(list.items[0]!.children).toMatchObject([{ type: "list", ordered: false, items: [{ content: [{ text: "check CPU first" }] }] }]);
    expect(blocks[5]).toEqual({ type: "code", lang: "sql", text: "SELECT 1" });
  });

  it("keeps HTML as text and links only safe URLs", () => {
    expect(parseInline("<script>alert(1)</script>")).toEqual([{ type: "text", text: "<script>alert(1)</script>" }]);
    const nodes = parseInline("[docs](https://example.com) and [bad](javascript:alert)");
    expect(nodes[0]).toEqual({ type: "link", href: "https://example.com", children: [{ type: "text", text: "docs" }] });
    expect(nodes.filter((n) => n.type === "link")).toHaveLength(1);
    expect(inlineText(nodes)).toBe("docs and bad");
  });

  it("finds citation markers but leaves snake_case, lone stars and unclosed markers alone", () => {
    expect(parseInline("Jobs run on workers [1], [2, 3].")).toEqual([
      { type: "text", text: "Jobs run on workers " },
      { type: "cite", numbers: [1], raw: "[1]" },
      { type: "text", text: ", " },
      { type: "cite", numbers: [2, 3], raw: "[2, 3]" },
      { type: "text", text: "." },
    ]);
    expect(inlineText(parseInline("cost_per_hour * 2 and **unclosed"))).toBe("cost_per_hour * 2 and **unclosed");
    expect(parseInline("a **b** c")[1]).toEqual({ type: "strong", children: [{ type: "text", text: "b" }] });
  });

  it("keeps hard line breaks: two trailing spaces or a backslash", () => {
    expect(parseMarkdown("**Providers:** AWS  \n**Regions:** us-east-1\\\nend  ")).toEqual([
      {
        type: "paragraph",
        content: [
          { type: "strong", children: [{ type: "text", text: "Providers:" }] },
          { type: "text", text: " AWS" },
          { type: "break" },
          { type: "strong", children: [{ type: "text", text: "Regions:" }] },
          { type: "text", text: " us-east-1" },
          { type: "break" },
          { type: "text", text: "end" },
        ],
      },
    ]);
    expect(inlineText(parseInline("one\ntwo"))).toBe("one two");
  });

  it("copes with text cut off mid-stream", () => {
    expect(parseMarkdown("```js\nconst a = 1")).toEqual([{ type: "code", lang: "js", text: "const a = 1" }]);
    expect(parseMarkdown("| a | b |")).toEqual([{ type: "paragraph", content: [{ type: "text", text: "| a | b |" }] }]);
    expect(parseMarkdown("- one\n- tw")).toMatchObject([{ type: "list", items: [{}, { content: [{ text: "tw" }] }] }]);
  });
});
