/**
 * How figures read in reports and grounding facts. One formatter, so a fact the
 * model quotes and the table beside it show the same digits.
 */

const formatters = new Map<string, Intl.NumberFormat>();

/**
 * An amount in the dataset's currency, `$1,438.20`. Amounts under 1 keep up to four
 * decimals: billing samples hold cents, and `$0.00` would hide differences that matter.
 * An unknown currency code is written after the number (`12.50 XTS`).
 */
export function formatMoney(amount: number, currency: string): string {
  const digits = amount !== 0 && Math.abs(amount) < 1 ? 4 : 2;
  const key = `${currency}:${digits}`;
  let format = formatters.get(key);
  if (!format) {
    try {
      format = new Intl.NumberFormat("en-US", { style: "currency", currency, minimumFractionDigits: 2, maximumFractionDigits: digits });
    } catch {
      format = new Intl.NumberFormat("en-US", { minimumFractionDigits: 2, maximumFractionDigits: digits });
      formatters.set(key, format);
      return `${format.format(amount)} ${currency}`;
    }
    formatters.set(key, format);
  }
  return format.format(amount);
}

/** `41%`, `-3.5%`, `+41%` with `signed`; one decimal below 10 %. */
export function formatPercent(ratio: number, options: { signed?: boolean } = {}): string {
  const pct = ratio * 100;
  const text = Math.abs(pct) < 10 && pct !== 0 ? pct.toFixed(1) : pct.toFixed(0);
  return `${options.signed && pct > 0 ? "+" : ""}${text}%`;
}

/** `1,234`. */
export const formatCount = (n: number) => n.toLocaleString("en-US");

/** A cell for a markdown table: pipes and line breaks would break the row. */
export const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");

/** A markdown table; `align` marks right-aligned (numeric) columns. */
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[], numeric: readonly boolean[] = []): string {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(" | ")} |`;
  const rule = `|${header.map((_, i) => (numeric[i] ? "---:" : "---")).join("|")}|`;
  return [line(header), rule, ...rows.map(line)].join("\n");
}

/** Shortens long identifiers (ARNs, OCIDs) for tables; the full value stays in the JSON. */
export function shorten(text: string, max = 48): string {
  return text.length <= max ? text : `${text.slice(0, Math.ceil(max / 2) - 1)}…${text.slice(-Math.floor(max / 2))}`;
}
