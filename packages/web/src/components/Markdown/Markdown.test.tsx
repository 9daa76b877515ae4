import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Markdown } from "./Markdown";

describe("<Markdown>", () => {
  it("renders HTML in the text as text, never as markup", () => {
    const html = renderToStaticMarkup(<Markdown text={'# Hi <img src=x onerror="alert(1)">\n\n<script>alert(2)</script> **ok**'} />);
    expect(html).not.toContain("<img");
    expect(html).not.toContain("<script");
    expect(html).toContain("&lt;script&gt;alert(2)&lt;/script&gt;");
    expect(html).toContain("<strong>ok</strong>");
    expect(html).toMatch(/<h3[^>]*>Hi &lt;img/);
  });

  it("puts the text's top headings at the level asked for and renders tables with header cells", () => {
    const html = renderToStaticMarkup(<Markdown headingLevel={4} text={"## Totals\n\n### By service\n\n| Service | Cost |\n|---|--:|\n| EC2 | 14.60 |"} />);
    expect(html).toMatch(/<h4[^>]*>Totals<\/h4>/);
    expect(html).toMatch(/<h5[^>]*>By service<\/h5>/);
    expect(html).toContain('<th scope="col" style="text-align:right">Cost</th>');
    expect(html).toContain('<td style="text-align:right">14.60</td>');
  });

  it("hands citation markers to the caller, or leaves them as text", () => {
    const text = "Workers run jobs [1][2].";
    expect(renderToStaticMarkup(<Markdown text={text} />)).toContain("jobs [1][2].");
    const linked = renderToStaticMarkup(<Markdown text={text} renderCite={(n, key) => <a key={key} href={`#s${n}`}>{n}</a>} />);
    expect(linked).toContain('<a href="#s1">1</a><a href="#s2">2</a>');
  });
});
