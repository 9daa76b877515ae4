import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Markdown } from "./Markdown";

describe("<Markdown>", () => {
  it("renders HTML in the text as text, never as markup", () => {
    const html = renderToStaticMarkup(<Markdown text={'# Hi <img src=x onerror="alert(1)">\n\nSee <script>alert(2)</script> **ok**\n\n<div>\n<iframe src="https://example.com"></iframe>\n</div>'} />);
    expect(html).not.toMatch(/<(img|script|iframe|div>)/);
    expect(html).toContain("&lt;script&gt;alert(2)&lt;/script&gt;");
    expect(html).toContain("<strong>ok</strong>");
    expect(html).toMatch(/<h3>Hi &lt;img/);
    expect(html).toContain("&lt;iframe src=&quot;https://example.com&quot;&gt;");
  });

  it("puts the text's top headings at the level asked for and renders tables with header cells", () => {
    const html = renderToStaticMarkup(<Markdown headingLevel={4} text={"## Totals\n\n### By service\n\n| Service | Cost |\n|---|--:|\n| EC2 | 14.60 |\n| RDS \\| Aurora |"} />);
    expect(html).toContain("<h4>Totals</h4>");
    expect(html).toContain("<h5>By service</h5>");
    expect(html).toContain('role="region" aria-label="Table: Service, Cost" tabindex="0"');
    expect(html).toContain('<th scope="col" style="text-align:right">Cost</th>');
    expect(html).toContain('<td style="text-align:right">14.60</td>');
    // A short row is padded to the header's width.
    expect(html).toContain('<td>RDS | Aurora</td><td style="text-align:right"></td>');
  });

  it("renders a report's lists, code, quotes, rules and emphasis", () => {
    const html = renderToStaticMarkup(
      <Markdown
        text={[
          "Spend was **$16.04** in *September*, mostly `EC2`; cost_per_hour * 2.",
          "",
          "3. Rightsize idle instances",
          "   - check CPU first",
          "4. Buy a Savings Plan",
          "",
          "```sql",
          "SELECT 1",
          "```",
          "> Estimates only.",
          "",
          "---",
        ].join("\n")}
      />,
    );
    expect(html).toContain("Spend was <strong>$16.04</strong> in <em>September</em>, mostly <code>EC2</code>; cost_per_hour * 2.");
    expect(html).toMatch(/<ol start="3">\s*<li>Rightsize idle instances\s*<ul>\s*<li>check CPU first<\/li>\s*<\/ul>\s*<\/li>\s*<li>Buy a Savings Plan<\/li>\s*<\/ol>/);
    expect(html).toContain('<pre><code class="language-sql">SELECT 1\n</code></pre>');
    expect(html).toMatch(/<blockquote>\s*<p>Estimates only.<\/p>\s*<\/blockquote>/);
    expect(html).toContain("<hr/>");
  });

  it("links only web and mail addresses, in a new tab that cannot reach back", () => {
    const html = renderToStaticMarkup(
      <Markdown text={"[docs](https://example.com) [mail](mailto:a@example.com) [bad](javascript:alert(1)) [local](/admin) ![pixel](https://t.example/p.gif)"} />,
    );
    expect(html).toContain('<a href="https://example.com" target="_blank" rel="noopener noreferrer">docs</a>');
    expect(html).toContain('<a href="mailto:a@example.com" target="_blank" rel="noopener noreferrer">mail</a>');
    expect(html).toContain(" bad local ");
    expect(html).not.toContain("javascript");
    expect(html).not.toContain("<img");
    expect(html.match(/<a /g)).toHaveLength(3);
  });

  it("keeps hard line breaks and copes with text cut off mid-stream", () => {
    expect(renderToStaticMarkup(<Markdown text={"**Providers:** AWS  \n**Regions:** us-east-1\\\nend"} />)).toContain(
      "<strong>Providers:</strong> AWS<br/>\n<strong>Regions:</strong> us-east-1<br/>\nend",
    );
    expect(renderToStaticMarkup(<Markdown text={"```js\nconst a = 1"} />)).toContain('<code class="language-js">const a = 1\n</code>');
    expect(renderToStaticMarkup(<Markdown text={"| a | b |"} />)).toContain("<p>| a | b |</p>");
  });

  it("hands citation markers to the caller, or leaves them as text", () => {
    const text = "Workers run jobs [1][2], see [3, 4] and [the guide](https://example.com/3).";
    expect(renderToStaticMarkup(<Markdown text={text} />)).toContain("jobs [1][2], see [3, 4] and");
    const linked = renderToStaticMarkup(<Markdown text={text} renderCite={(n, key) => <a key={key} href={`#s${n}`}>{n}</a>} />);
    expect(linked).toContain('jobs <a href="#s1">1</a><a href="#s2">2</a>, see <a href="#s3">3</a><a href="#s4">4</a> and <a href="https://example.com/3"');
    expect(linked).not.toContain("<cite");
  });

  it("keeps a marker a citation even when the text defines it as a link", () => {
    const html = renderToStaticMarkup(<Markdown text={"See [1].\n\n[1]: https://example.com"} renderCite={(n, key) => <b key={key}>{n}</b>} />);
    expect(html).toContain("<p>See <b>1</b>.</p>");
    expect(html).not.toContain("example.com");
  });

  it("shows footnotes as notes without adding a heading or links that would leave the page", () => {
    const html = renderToStaticMarkup(<Markdown text={"Spend rose.[^1]\n\n[^1]: Estimated."} />);
    expect(html).not.toMatch(/<h\d/);
    expect(html).not.toContain("<a ");
    expect(html).toMatch(/<p class="visually-hidden"[^>]*>Footnotes<\/p>/);
    expect(html).toMatch(/<li[^>]*>\s*<p>Estimated\.\s*<\/p>/);
  });
});
