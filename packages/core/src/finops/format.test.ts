import { describe, expect, it } from "vitest";
import { formatMoney, formatPercent, markdownTable, shorten } from "./format";

describe("format", () => {
  it("writes money in the dataset's currency, keeping four decimals under 1 so cents show", () => {
    expect(formatMoney(1438.2, "USD")).toBe("$1,438.20");
    expect(formatMoney(-2.6137, "USD")).toBe("-$2.61");
    expect(formatMoney(0.37096774194, "USD")).toBe("$0.371");
    expect(formatMoney(1234.5, "EUR")).toBe("€1,234.50");
    expect(formatMoney(12.5, "XX")).toBe("12.50 XX");
  });

  it("writes percentages with a decimal only when small, and a sign when asked", () => {
    expect(formatPercent(0.4420062695924765)).toBe("44%");
    expect(formatPercent(0.023)).toBe("2.3%");
    expect(formatPercent(0.35, { signed: true })).toBe("+35%");
    expect(formatPercent(-0.21, { signed: true })).toBe("-21%");
  });

  it("builds markdown tables whose cells cannot break the row", () => {
    expect(markdownTable(["Name", "Cost"], [["a|b", "$1.00"]], [false, true])).toBe("| Name | Cost |\n|---|---:|\n| a\\|b | $1.00 |");
    expect(shorten("arn:aws:ec2:us-east-1:123456789012:instance/i-0abcdef1234567890", 24)).toBe("arn:aws:ec2…ef1234567890");
  });
});
