import { describe, expect, it } from "vitest";
import { backtestError, forecastDays } from "./forecaster";
import { daysBetween, daysOfPeriod, weekday } from "./periods";

const WEEKDAY_FACTOR = [1, 1, 1, 1, 1, 0.5, 0.5];
/** 3 % a month, compounded daily. */
const DAILY_GROWTH = Math.log(1.03) / 30.4375;

/** 50 a weekday growing 3 % a month, halved at weekends, with ±2 % of deterministic noise. */
function history(first: string, last: string, noise = 0.02) {
  return daysBetween(first, last).map((day, t) => ({
    day,
    cost: 50 * Math.exp(DAILY_GROWTH * t) * WEEKDAY_FACTOR[weekday(day)]! * (1 + noise * Math.sin(t * 2.3)),
  }));
}

describe("forecastDays", () => {
  it("extends growth and weekday pattern into the next month, with a band around the true total", () => {
    const past = history("2024-01-01", "2024-06-30");
    const target = daysOfPeriod("2024-07");
    // The truth, from the generating formula without noise (t counts from 2024-01-01).
    const start = past.length;
    const truth = target.reduce((sum, day, i) => sum + 50 * Math.exp(DAILY_GROWTH * (start + i)) * WEEKDAY_FACTOR[weekday(day)]!, 0);
    const f = forecastDays(past, target)!;
    expect(Math.abs(f.point - truth) / truth).toBeLessThan(0.01);
    expect(f.low).toBeLessThan(truth);
    expect(f.high).toBeGreaterThan(truth);
    expect(f.high - f.low).toBeLessThan(0.1 * truth);
    expect(f.growthPerMonth).toBeCloseTo(0.03, 3);
    expect(f.method).toMatch(/exponential trend \(constant growth rate, fitted \+3\.0% a month\) with a factor per weekday/);
  });

  it("falls back to a linear trend when a day is not positive (a credit outweighs the usage)", () => {
    const past = daysBetween("2024-01-01", "2024-03-31").map((day, t) => ({ day, cost: day === "2024-02-01" ? -20 : 100 + t }));
    const target = daysOfPeriod("2024-04");
    const f = forecastDays(past, target)!;
    expect(f.method).toMatch(/^linear trend with a weekday effect/);
    expect(f.trendPerDay).toBeGreaterThan(0.8);
    expect(f.trendPerDay).toBeLessThan(1.2);
    // Around 100 + t for April's t = 91…120, about 30 × 205.5 = 6,165; the credit pulls the fit down a little.
    expect(f.point).toBeGreaterThan(6_000);
    expect(f.point).toBeLessThan(6_200);
  });

  it("fits no trend on less than eight weeks, and says so", () => {
    const past = daysBetween("2024-09-01", "2024-09-30").map((day, t) => ({ day, cost: 10 + t }));
    const f = forecastDays(past, daysOfPeriod("2024-10"))!;
    expect(f.trendPerDay).toBe(0);
    expect(f.method).toMatch(/^weekday run rate/);
    expect(f.notes.join(" ")).toMatch(/no trend is fitted before 56 days/);
    // Each weekday's mean cost of September, repeated over October: 31 days of about 24.5.
    expect(f.point / 31).toBeGreaterThan(23);
    expect(f.point / 31).toBeLessThan(26);
  });

  it("is not bent by a day left out as an anomaly", () => {
    const past = history("2024-01-01", "2024-03-31", 0);
    const spiked = past.map((d) => (d.day === "2024-03-20" ? { ...d, cost: d.cost + 5000 } : d));
    const target = daysOfPeriod("2024-04");
    const clean = forecastDays(past, target)!;
    const excluded = forecastDays(spiked, target, new Set(["2024-03-20"]))!;
    expect(excluded.point).toBeCloseTo(clean.point, 6);
    expect(excluded.notes.join(" ")).toMatch(/1 anomalous day/);
    expect(forecastDays(spiked, target)!.point).toBeGreaterThan(clean.point * 1.2);
  });

  it("falls back to a run rate on a short history and says so", () => {
    const past = daysBetween("2024-09-01", "2024-09-10").map((day, i) => ({ day, cost: i % 2 ? 9 : 11 }));
    const f = forecastDays(past, daysOfPeriod("2024-10"))!;
    expect(f.point).toBeCloseTo(10 * 31, 10);
    expect(f.trendPerDay).toBe(0);
    expect(f.low).toBeLessThan(310);
    expect(f.high).toBeGreaterThan(310);
    expect(f.notes.join(" ")).toMatch(/only 10 usable day/);
  });

  it("has nothing to say without history", () => {
    expect(forecastDays([], daysOfPeriod("2024-10"))).toBeUndefined();
  });
});

describe("backtestError", () => {
  it("measures how far the method was off on the last whole month, forecast from the days before it", () => {
    const steady = history("2024-01-01", "2024-06-30", 0);
    expect(backtestError(steady, "2024-06")).toBeLessThan(0.001);
    // June suddenly costs 10 % more than the trend says: the method misses it by about that much.
    const jump = steady.map((d) => (d.day >= "2024-06-01" ? { ...d, cost: d.cost * 1.1 } : d));
    expect(backtestError(jump, "2024-06")).toBeGreaterThan(0.08);
    expect(backtestError(jump, "2024-06")).toBeLessThan(0.1);
    expect(backtestError(steady, "2024-07")).toBeUndefined(); // not in the history
  });
});
