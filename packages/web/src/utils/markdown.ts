/**
 * A small Markdown reader for the text Ferry's jobs write: answers and FinOps
 * reports. It turns text into a tree of plain data that a React component
 * renders element by element, so nothing in the text is ever parsed as HTML
 * (`<script>` stays the eight characters it is). It covers what our prompts ask
 * models for — headings, paragraphs, **bold**, *italic*, `code`, lists (nested
 * by indentation), pipe tables, fenced code, quotes, rules and links — and
 * reads anything else as text rather than guessing.
 * @module
 */

export type Inline =
  | { type: "text"; text: string }
  | { type: "strong"; children: Inline[] }
  | { type: "em"; children: Inline[] }
  | { type: "code"; text: string }
  /** Only `http:`, `https:` and `mailto:` targets become links; others stay text. */
  | { type: "link"; href: string; children: Inline[] }
  /** `[3]` or `[1, 2]`: numbered sources a grounded answer cites. */
  | { type: "cite"; numbers: number[]; raw: string }
  | { type: "break" };

export type Align = "left" | "center" | "right" | undefined;

export interface ListItem {
  content: Inline[];
  /** Blocks indented under the item: nested lists, further paragraphs. */
  children: Block[];
}

export type Block =
  | { type: "heading"; level: 1 | 2 | 3 | 4 | 5 | 6; content: Inline[] }
  | { type: "paragraph"; content: Inline[] }
  | { type: "list"; ordered: boolean; start: number; items: ListItem[] }
  | { type: "table"; align: Align[]; header: Inline[][]; rows: Inline[][][] }
  | { type: "code"; lang: string | undefined; text: string }
  | { type: "quote"; children: Block[] }
  | { type: "rule" };

const HEADING = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})[ \t]*([^`\s]*)/;
const RULE = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const BULLET = /^( *)([-*+])[ \t]+(.*)$/;
const ORDERED = /^( *)(\d{1,9})[.)][ \t]+(.*)$/;
const QUOTE = /^ {0,3}>[ \t]?(.*)$/;
const TABLE_SEPARATOR = /^ *\|? *:?-+:? *(\| *:?-+:? *)*\|? *$/;

/** Parses Markdown into blocks. Never throws; unknown syntax is kept as text. */
export function parseMarkdown(source: string): Block[] {
  return parseBlocks(source.replace(/\r\n?/g, "\n").replace(/\t/g, "    ").split("\n"));
}

function parseBlocks(lines: string[]): Block[] {
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === "") {
      i++;
      continue;
    }

    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1]!;
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.trimStart().startsWith(marker)) body.push(lines[i++]!);
      i++; // the closing fence, or the end of a text still streaming in
      blocks.push({ type: "code", lang: fence[2] || undefined, text: body.join("\n") });
      continue;
    }

    const heading = HEADING.exec(line);
    if (heading) {
      blocks.push({ type: "heading", level: heading[1]!.length as 1 | 2 | 3 | 4 | 5 | 6, content: parseInline(heading[2] ?? "") });
      i++;
      continue;
    }

    if (RULE.test(line)) {
      blocks.push({ type: "rule" });
      i++;
      continue;
    }

    if (QUOTE.test(line)) {
      const inner: string[] = [];
      while (i < lines.length && lines[i]!.trim() !== "") {
        const quoted = QUOTE.exec(lines[i]!);
        inner.push(quoted ? quoted[1]! : lines[i]!);
        i++;
      }
      blocks.push({ type: "quote", children: parseBlocks(inner) });
      continue;
    }

    if (line.includes("|") && i + 1 < lines.length && TABLE_SEPARATOR.test(lines[i + 1]!) && lines[i + 1]!.includes("-")) {
      const header = splitRow(line);
      const align = splitRow(lines[i + 1]!).map(alignOf);
      if (align.length === header.length) {
        i += 2;
        const rows: Inline[][][] = [];
        while (i < lines.length && lines[i]!.trim() !== "" && lines[i]!.includes("|")) {
          const cells = splitRow(lines[i]!);
          // Rows are padded or cut to the header's width, as GitHub does.
          rows.push(header.map((_, c) => parseInline(cells[c] ?? "")));
          i++;
        }
        blocks.push({ type: "table", align, header: header.map(parseInline), rows });
        continue;
      }
    }

    const item = listMarker(line);
    if (item) {
      const parsed = parseList(lines, i, item.ordered, item.indent);
      blocks.push(parsed.block);
      i = parsed.next;
      continue;
    }

    // A paragraph runs until a blank line or the start of another block.
    const text: string[] = [];
    // Trailing spaces stay until the inline pass: two of them mark a hard line break.
    while (i < lines.length && lines[i]!.trim() !== "" && (text.length === 0 || !startsBlock(lines, i))) text.push(lines[i++]!.trimStart());
    blocks.push({ type: "paragraph", content: parseInline(text.join("\n").trimEnd()) });
  }
  return blocks;
}

function startsBlock(lines: string[], i: number): boolean {
  const line = lines[i]!;
  return (
    HEADING.test(line) ||
    FENCE.test(line) ||
    RULE.test(line) ||
    QUOTE.test(line) ||
    listMarker(line) !== undefined ||
    (line.includes("|") && i + 1 < lines.length && TABLE_SEPARATOR.test(lines[i + 1]!) && lines[i + 1]!.includes("-"))
  );
}

function listMarker(line: string): { ordered: boolean; indent: number; start: number; text: string } | undefined {
  const bullet = BULLET.exec(line);
  if (bullet) return { ordered: false, indent: bullet[1]!.length, start: 1, text: bullet[3]! };
  const ordered = ORDERED.exec(line);
  if (ordered) return { ordered: true, indent: ordered[1]!.length, start: Number(ordered[2]), text: ordered[3]! };
  return undefined;
}

/**
 * A list whose markers sit at `indent`. Lines indented deeper belong to the
 * item above them and are parsed as blocks of their own (a nested list); a
 * blank line followed by an indented line keeps the item open.
 */
function parseList(lines: string[], from: number, ordered: boolean, indent: number): { block: Block; next: number } {
  const items: ListItem[] = [];
  const first = listMarker(lines[from]!)!;
  let i = from;
  while (i < lines.length) {
    const marker = listMarker(lines[i]!);
    if (!marker || marker.indent !== indent || marker.ordered !== ordered) break;
    const text = [marker.text.trim()];
    const nested: string[] = [];
    i++;
    while (i < lines.length) {
      const line = lines[i]!;
      const depth = line.length - line.trimStart().length;
      if (line.trim() === "") {
        const following = lines.slice(i + 1).find((l) => l.trim() !== "");
        if (following === undefined || following.length - following.trimStart().length <= indent) break;
        nested.push("");
        i++;
        continue;
      }
      if (depth > indent) {
        if (nested.length === 0 && !listMarker(line)) text.push(line.trim());
        else nested.push(line);
        i++;
        continue;
      }
      // A line back at the item's level that is not a marker continues its text (a "lazy" line).
      if (listMarker(line) || startsBlock(lines, i) || nested.length > 0) break;
      text.push(line.trim());
      i++;
    }
    items.push({ content: parseInline(text.join("\n")), children: parseBlocks(dedent(nested)) });
    // A blank line between items does not end the list.
    let j = i;
    while (j < lines.length && lines[j]!.trim() === "") j++;
    const after = j < lines.length ? listMarker(lines[j]!) : undefined;
    if (after && after.indent === indent && after.ordered === ordered) i = j;
  }
  return { block: { type: "list", ordered, start: first.start, items }, next: i };
}

function dedent(lines: string[]): string[] {
  const depths = lines.filter((l) => l.trim() !== "").map((l) => l.length - l.trimStart().length);
  const cut = depths.length > 0 ? Math.min(...depths) : 0;
  return lines.map((l) => l.slice(Math.min(cut, l.length - l.trimStart().length)));
}

function splitRow(line: string): string[] {
  let row = line.trim();
  if (row.startsWith("|")) row = row.slice(1);
  if (row.endsWith("|") && !row.endsWith("\\|")) row = row.slice(0, -1);
  const cells: string[] = [];
  let cell = "";
  let inCode = false;
  for (let k = 0; k < row.length; k++) {
    const c = row[k]!;
    if (c === "\\" && row[k + 1] === "|") {
      cell += "|";
      k++;
    } else if (c === "`") {
      inCode = !inCode;
      cell += c;
    } else if (c === "|" && !inCode) {
      cells.push(cell.trim());
      cell = "";
    } else {
      cell += c;
    }
  }
  cells.push(cell.trim());
  return cells;
}

function alignOf(cell: string): Align {
  const left = cell.startsWith(":");
  const right = cell.endsWith(":");
  return left && right ? "center" : right ? "right" : left ? "left" : undefined;
}

const SAFE_URL = /^(https?:\/\/|mailto:)/i;
const CITE = /^\[(\d{1,3}(?:\s*,\s*\d{1,3})*)\](?!\()/;
const ESCAPABLE = "\\`*_{}[]()#+-.!|>~";

/** Parses the inline syntax of one block's text. Unclosed markers stay as text. */
export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let buffer = "";
  const flush = () => {
    if (buffer) out.push({ type: "text", text: buffer });
    buffer = "";
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const rest = text.slice(i);

    if (c === "\\" && text[i + 1] === "\n") {
      flush();
      out.push({ type: "break" });
      i += 2;
      continue;
    }
    if (c === "\\" && i + 1 < text.length && ESCAPABLE.includes(text[i + 1]!)) {
      buffer += text[i + 1];
      i += 2;
      continue;
    }
    if (c === "\n") {
      // A line ending in two spaces or a backslash is a hard break; other line ends are spaces.
      if (buffer.endsWith("  ")) {
        buffer = buffer.trimEnd();
        flush();
        out.push({ type: "break" });
      } else {
        buffer = buffer.trimEnd() + " ";
      }
      i++;
      continue;
    }
    if (c === "`") {
      const ticks = /^`+/.exec(rest)![0];
      const end = text.indexOf(ticks, i + ticks.length);
      if (end !== -1) {
        flush();
        out.push({ type: "code", text: text.slice(i + ticks.length, end).replace(/\n/g, " ").trim() || " " });
        i = end + ticks.length;
        continue;
      }
    }
    if (c === "[") {
      const cite = CITE.exec(rest);
      if (cite) {
        flush();
        out.push({ type: "cite", numbers: cite[1]!.split(",").map((n) => Number(n.trim())), raw: cite[0] });
        i += cite[0].length;
        continue;
      }
      const link = /^\[([^\]\n]+)\]\(([^)\s]+)\)/.exec(rest);
      if (link) {
        flush();
        const children = parseInline(link[1]!);
        if (SAFE_URL.test(link[2]!)) out.push({ type: "link", href: link[2]!, children });
        else out.push(...children);
        i += link[0].length;
        continue;
      }
    }
    if (c === "*" || c === "_") {
      const span = emphasis(text, i);
      if (span) {
        flush();
        out.push(span.node);
        i = span.end;
        continue;
      }
    }
    buffer += c;
    i++;
  }
  flush();
  return out;
}

/** `**x**`/`__x__` (strong) or `*x*`/`_x_` (em) starting at `i`; underscores only at word edges, so snake_case stays. */
function emphasis(text: string, i: number): { node: Inline; end: number } | undefined {
  const c = text[i]!;
  const double = text[i + 1] === c;
  const marker = double ? c + c : c;
  const open = i + marker.length;
  if (open >= text.length || /\s/.test(text[open]!)) return undefined;
  if (c === "_" && i > 0 && /\w/.test(text[i - 1]!)) return undefined;
  let search = open;
  while (search < text.length) {
    const close = text.indexOf(marker, search);
    if (close === -1) return undefined;
    const tripled = !double && text[close + 1] === c; // `*a **b** c*`: skip the inner strong
    const valid = close > open && !/\s/.test(text[close - 1]!) && (c !== "_" || !/\w/.test(text[close + marker.length] ?? ""));
    if (valid && !tripled) {
      const children = parseInline(text.slice(open, close));
      return { node: double ? { type: "strong", children } : { type: "em", children }, end: close + marker.length };
    }
    search = close + (tripled ? 2 : 1);
  }
  return undefined;
}

/** The text of inline nodes without their markup, e.g. for labels. */
export function inlineText(nodes: readonly Inline[]): string {
  return nodes
    .map((node) => {
      switch (node.type) {
        case "text":
        case "code":
          return node.text;
        case "cite":
          return node.raw;
        case "break":
          return " ";
        default:
          return inlineText(node.children);
      }
    })
    .join("");
}
