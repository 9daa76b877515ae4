import { describe, expect, it } from "vitest";
import { detectAnomalies, type DailyCost } from "./anomaly-detector";
import { daysBetween, weekday } from "./periods";

/** 90 days from 2024-01-01 with growth, a weekend dip and a little deterministic noise. */
function series(spikes: Record<string, number> = {}): DailyCost[] {
  return daysBetween("2024-01-01", "2024-03-30").map((day, t) => {
    const weekend = weekday(day) >= 5 ? 0.6 : 1;
    const noise = ((t * 7919) % 13) / 13 - 0.5; // −0.5 … 0.5
    return { day, cost: (100 + 0.5 * t) * weekend + 2 * noise + (spikes[day] ?? 0) };
  });
}

describe("detectAnomalies", () => {
  it("finds a spike on its day despite growth and weekly seasonality, and nothing else", () => {
    const found = detectAnomalies(series({ "2024-02-14": 60 }));
    expect(found.map((a) => a.day)).toEqual(["2024-02-14"]);
    const [spike] = found;
    expect(spike!.delta).toBeGreaterThan(50);
    expect(spike!.delta).toBeLessThan(70);
    expect(spike!.z).toBeGreaterThan(3.5);
  });

  it("flags a drop as a negative z", () => {
    const [drop] = detectAnomalies(series({ "2024-03-05": -70 }));
    expect(drop).toMatchObject({ day: "2024-03-05" });
    expect(drop!.z).toBeLessThan(-3.5);
  });

  it("reports nothing on a clean series, or on a flat one", () => {
    expect(detectAnomalies(series())).toEqual([]);
    expect(detectAnomalies(daysBetween("2024-01-01", "2024-01-31").map((day) => ({ day, cost: 5 })))).toEqual([]);
  });

  it("ignores a statistically odd day whose size is immaterial (under 10% of a typical day)", () => {
    const flat = daysBetween("2024-01-01", "2024-01-31").map((day, i) => ({ day, cost: 100 + (i % 2) * 0.01 }));
    flat[10] = { day: flat[10]!.day, cost: 105 }; // 5 % above: z is huge, the money is not
    expect(detectAnomalies(flat)).toEqual([]);
    flat[10] = { day: flat[10]!.day, cost: 130 };
    expect(detectAnomalies(flat).map((a) => a.day)).toEqual([flat[10]!.day]);
  });

  it("works on a short history by comparing each day with the others", () => {
    const days = daysBetween("2024-09-01", "2024-09-10").map((day) => ({ day, cost: 10 + (day.endsWith("5") ? 0.3 : 0) }));
    days[7] = { day: days[7]!.day, cost: 40 };
    expect(detectAnomalies(days).map((a) => a.day)).toEqual(["2024-09-08"]);
  });
});

describe("detectAnomalies and changes of level", () => {
  it("does not call a lasting step up (a new service, a bigger instance) an anomaly, but finds a spike after it", () => {
    const days = daysBetween("2024-01-01", "2024-03-31").map((day, t) => ({ day, cost: (day >= "2024-02-10" ? 150 : 100) + ((t * 31) % 7) / 7 }));
    expect(detectAnomalies(days)).toEqual([]);
    const spiked = days.map((d) => (d.day === "2024-03-12" ? { ...d, cost: d.cost + 90 } : d));
    expect(detectAnomalies(spiked).map((a) => a.day)).toEqual(["2024-03-12"]);
  });
});

describe("detectAnomalies on thin data", () => {
  it("skips a sporadic series: with cost on few days, every charge would stand out", () => {
    const sporadic = daysBetween("2024-01-01", "2024-02-29").map((day, i) => ({ day, cost: i % 5 === 0 ? 40 : 0 }));
    expect(detectAnomalies(sporadic)).toEqual([]);
  });

  it("keeps z-scores readable on a series of identical days: the scale is at least 5% of the mean day", () => {
    const flat = daysBetween("2024-01-01", "2024-01-31").map((day) => ({ day, cost: 100 }));
    flat[20] = { day: flat[20]!.day, cost: 150 };
    const [spike] = detectAnomalies(flat);
    // Scale = 5% of the mean day (101.6…): z ≈ 50 / 5.08, not a division by almost nothing.
    expect(spike!.z).toBeCloseTo(50 / (0.05 * ((30 * 100 + 150) / 31)), 6);
  });
});
