import { Fragment, memo, useMemo, type ReactNode } from "react";
import { inlineText, parseMarkdown, type Block, type Inline } from "../../utils/markdown";
import styles from "./Markdown.module.css";

export interface MarkdownProps {
  /** Markdown text; may be incomplete while it streams in. */
  text: string;
  /**
   * Heading level the text's top headings map to, so a report's headings sit
   * under the page's own (`h1` Ferry, `h2` sections) whether it starts at `#`
   * or `##`. Default 3; deeper levels follow and stop at `h6`.
   */
  headingLevel?: 1 | 2 | 3 | 4 | 5 | 6;
  /** Renders `[n]` citation markers; without it they stay text. */
  renderCite?(n: number, key: string): ReactNode;
  className?: string;
}

/**
 * Markdown rendered as React elements, one element per node of
 * {@link parseMarkdown}'s tree. There is no `dangerouslySetInnerHTML` anywhere:
 * HTML in the text is shown as text, and only http(s)/mailto links are linked.
 */
export const Markdown = memo(function Markdown({ text, headingLevel = 3, renderCite, className }: MarkdownProps) {
  const blocks = useMemo(() => parseMarkdown(text), [text]);
  const top = Math.min(7, ...blocks.map((b) => (b.type === "heading" ? b.level : 7)));
  const context: RenderContext = { headingShift: headingLevel - (top === 7 ? 1 : top), renderCite };
  return <div className={[styles.markdown, className].filter(Boolean).join(" ")}>{blocks.map((b, i) => renderBlock(b, `${i}`, context))}</div>;
});

interface RenderContext {
  /** Added to a Markdown heading's level to give its HTML level. */
  headingShift: number;
  renderCite: MarkdownProps["renderCite"];
}

function renderBlock(block: Block, key: string, ctx: RenderContext): ReactNode {
  switch (block.type) {
    case "heading": {
      const Tag = `h${Math.min(6, Math.max(1, block.level + ctx.headingShift))}` as "h3";
      return (
        <Tag key={key} className={styles.heading}>
          {renderInlines(block.content, key, ctx)}
        </Tag>
      );
    }
    case "paragraph":
      return <p key={key}>{renderInlines(block.content, key, ctx)}</p>;
    case "list": {
      const items = block.items.map((item, i) => (
        <li key={i}>
          {renderInlines(item.content, `${key}.${i}`, ctx)}
          {item.children.map((child, j) => renderBlock(child, `${key}.${i}.${j}`, ctx))}
        </li>
      ));
      return block.ordered ? (
        <ol key={key} start={block.start === 1 ? undefined : block.start}>
          {items}
        </ol>
      ) : (
        <ul key={key}>{items}</ul>
      );
    }
    case "table": {
      const caption = block.header.map(inlineText).join(", ");
      return (
        // Wide tables scroll; the region can take focus so keyboard users can scroll it too.
        <div key={key} className={styles.tableWrap} role="region" aria-label={`Table: ${caption}`} tabIndex={0}>
          <table className={styles.table}>
            <thead>
              <tr>
                {block.header.map((cell, c) => (
                  <th key={c} scope="col" style={{ textAlign: block.align[c] }}>
                    {renderInlines(cell, `${key}.h${c}`, ctx)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {block.rows.map((row, r) => (
                <tr key={r}>
                  {row.map((cell, c) => (
                    <td key={c} style={{ textAlign: block.align[c] }}>
                      {renderInlines(cell, `${key}.${r}.${c}`, ctx)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
    }
    case "code":
      return (
        <pre key={key} className={styles.pre}>
          <code>{block.text}</code>
        </pre>
      );
    case "quote":
      return (
        <blockquote key={key} className={styles.quote}>
          {block.children.map((child, i) => renderBlock(child, `${key}.${i}`, ctx))}
        </blockquote>
      );
    case "rule":
      return <hr key={key} className={styles.rule} />;
  }
}

function renderInlines(nodes: readonly Inline[], key: string, ctx: RenderContext): ReactNode[] {
  return nodes.map((node, i) => renderInline(node, `${key}:${i}`, ctx));
}

function renderInline(node: Inline, key: string, ctx: RenderContext): ReactNode {
  switch (node.type) {
    case "text":
      return <Fragment key={key}>{node.text}</Fragment>;
    case "strong":
      return <strong key={key}>{renderInlines(node.children, key, ctx)}</strong>;
    case "em":
      return <em key={key}>{renderInlines(node.children, key, ctx)}</em>;
    case "code":
      return (
        <code key={key} className={styles.code}>
          {node.text}
        </code>
      );
    case "link":
      return (
        <a key={key} href={node.href} target="_blank" rel="noopener noreferrer">
          {renderInlines(node.children, key, ctx)}
        </a>
      );
    case "cite":
      if (!ctx.renderCite) return <Fragment key={key}>{node.raw}</Fragment>;
      return <Fragment key={key}>{node.numbers.map((n, j) => ctx.renderCite!(n, `${key}.${j}`))}</Fragment>;
    case "break":
      return <br key={key} />;
  }
}
