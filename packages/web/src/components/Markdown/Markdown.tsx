import { memo, useId, useMemo, type ReactNode } from "react";
import ReactMarkdown, { type Components, type ExtraProps, type Options } from "react-markdown";
import remarkGfm from "remark-gfm";
import { remarkCitations, remarkHeadingLevel, type HeadingLevel } from "../../utils/markdown";
import styles from "./Markdown.module.css";

export interface MarkdownProps {
  /** Markdown text; may be incomplete while it streams in. */
  text: string;
  /**
   * Heading level the text's top headings map to, so a report's headings sit
   * under the page's own (`h1` Ferry, `h2` sections) whether it starts at `#`
   * or `##`. Default 3; deeper levels follow and stop at `h6`.
   */
  headingLevel?: HeadingLevel;
  /** Renders `[n]` citation markers; without it they stay text. */
  renderCite?(n: number, key: string): ReactNode;
  className?: string;
}

/**
 * Markdown (with GitHub's tables) rendered as React elements by
 * `react-markdown`. HTML in the text is shown as text, never as markup (there is
 * no `rehype-raw`), and only http(s)/mailto links are linked.
 */
export const Markdown = memo(function Markdown({ text, headingLevel = 3, renderCite, className }: MarkdownProps) {
  const citing = renderCite !== undefined;
  const id = useId();
  const remarkPlugins = useMemo(
    (): Options["remarkPlugins"] => [remarkGfm, [remarkHeadingLevel, headingLevel], ...(citing ? [remarkCitations] : [])],
    [headingLevel, citing],
  );
  const withCites = useMemo(
    (): Components =>
      renderCite
        ? {
            ...components,
            // Made by remarkCitations: one marker may cite several sources.
            cite: ({ node }) => {
              const numbers = node?.properties.dataNumbers;
              return <>{(Array.isArray(numbers) ? numbers : []).map((n, j) => renderCite(Number(n), `${j}`))}</>;
            },
          }
        : components,
    [renderCite],
  );
  return (
    <div className={[styles.markdown, className].filter(Boolean).join(" ")}>
      <ReactMarkdown remarkPlugins={remarkPlugins} remarkRehypeOptions={footnotes(id)} components={withCites} urlTransform={safeUrl}>
        {text}
      </ReactMarkdown>
    </div>
  );
});

/**
 * GFM footnotes (`[^1]`) end the text with a list of notes. Their "Footnotes"
 * label would otherwise be a visible `h2` among the page's own headings, and
 * the notes' ids would repeat across answers. Their `#` links are dropped by
 * {@link safeUrl} (they would move the hash router), so the back-link arrow goes too.
 */
function footnotes(id: string): Options["remarkRehypeOptions"] {
  return { clobberPrefix: `${id}-`, footnoteLabelTagName: "p", footnoteLabelProperties: { className: ["visually-hidden"] }, footnoteBackContent: () => [] };
}

const SAFE_URL = /^(https?:\/\/|mailto:)/i;

/** Keeps http(s) and mailto targets; any other (`javascript:`, relative, `#…`) is dropped, so its link shows as text. */
function safeUrl(url: string): string | undefined {
  return SAFE_URL.test(url) ? url : undefined;
}

/** Links leave the dashboard in a new tab that cannot reach back into it. */
function ExternalLink({ href, children }: { href: string | undefined; children: ReactNode }) {
  if (!href) return <>{children}</>;
  return (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  );
}

const components: Components = {
  a: ({ href, children }) => <ExternalLink href={href}>{children}</ExternalLink>,
  // Images in written text are not fetched (a model could be led to write a tracking URL): their alt text links to them.
  img: ({ src, alt }) => <ExternalLink href={typeof src === "string" ? src : undefined}>{alt}</ExternalLink>,
  // Wide tables scroll; the region can take focus so keyboard users can scroll it too.
  table: ({ node, children }) => (
    <div className={styles.tableWrap} role="region" aria-label={`Table: ${headerText(node)}`} tabIndex={0}>
      <table className={styles.table}>{children}</table>
    </div>
  ),
  th: ({ style, children }) => (
    <th scope="col" style={style}>
      {children}
    </th>
  ),
};

type HastContent = NonNullable<ExtraProps["node"]>["children"][number];

/** A table's header cells as text, which names its scrollable region. */
function headerText(table: ExtraProps["node"]): string {
  const cells: string[] = [];
  const visit = (node: HastContent) => {
    if (node.type !== "element") return;
    if (node.tagName === "th") cells.push(textOf(node));
    else node.children.forEach(visit);
  };
  table?.children.forEach(visit);
  return cells.join(", ");
}

function textOf(node: HastContent): string {
  return node.type === "text" ? node.value : node.type === "element" ? node.children.map(textOf).join("") : "";
}
