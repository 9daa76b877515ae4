import { describe, expect, it } from "vitest";
import { dayDiff, daysBetween, daysInPeriod, nextPeriod, periodCoverage, weekday } from "./periods";

describe("billing periods", () => {
  it("knows month lengths, leap years included, and the next period across a year end", () => {
    expect(daysInPeriod("2024-02")).toBe(29);
    expect(daysInPeriod("2023-02")).toBe(28);
    expect(daysInPeriod("2024-09")).toBe(30);
    expect(nextPeriod("2024-12")).toBe("2025-01");
    expect(nextPeriod("2024-09")).toBe("2024-10");
  });

  it("lists days inclusively and tells weekdays (Monday = 0)", () => {
    expect(daysBetween("2024-02-27", "2024-03-02")).toEqual(["2024-02-27", "2024-02-28", "2024-02-29", "2024-03-01", "2024-03-02"]);
    expect(weekday("2024-09-02")).toBe(0); // a Monday
    expect(weekday("2024-09-01")).toBe(6); // a Sunday
    expect(dayDiff("2024-09-01", "2024-10-01")).toBe(30);
  });

  it("measures how much of a period the charge days cover: whole, part, or only a late adjustment", () => {
    expect(periodCoverage("2024-09", "2024-09-01", "2024-09-30")).toBe(1);
    expect(periodCoverage("2024-10", "2024-09-01", "2024-10-15")).toBeCloseTo(15 / 31, 10);
    // A row billed in October for a September hour: October has no charge days at all.
    expect(periodCoverage("2024-10", "2024-09-01", "2024-09-30")).toBe(0);
  });
});
