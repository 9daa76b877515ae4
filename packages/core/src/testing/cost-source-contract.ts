import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UnsupportedCostQueryError, type CostDimension, type CostGranularity, type CostRow, type CostSource } from "../ports/cost-source";

/** Optional `CostSource` methods a source may implement. */
export type CostSourceMethod = "commitments" | "tagCoverage" | "resources" | "unitCosts";

/** What the source under test can answer; everything else it must refuse or report as null. */
export interface CostSourceCapabilities {
  dimensions: readonly CostDimension[];
  granularities: readonly CostGranularity[];
  /** Metrics the source has. A metric it lacks must be `null` on every row, never 0. */
  metrics: { effectiveCost: boolean; listCost: boolean; contractedCost: boolean };
  /** Whether rows carry `rows`, the count of source rows summed. */
  rowCounts: boolean;
  methods: readonly CostSourceMethod[];
}

type Metric = "billedCost" | "effectiveCost" | "listCost" | "contractedCost";
const METRICS: readonly Metric[] = ["billedCost", "effectiveCost", "listCost", "contractedCost"];

/** Sums of rounded per-group amounts may differ from the exact total by float rounding only. */
function expectSumsTo(rows: readonly CostRow[], total: CostRow, metric: Metric) {
  const values = rows.map((r) => r[metric] ?? 0);
  const sum = values.reduce((a, b) => a + b, 0);
  const scale = values.reduce((a, b) => a + Math.abs(b), 0);
  expect(Math.abs(sum - (total[metric] ?? 0)), `${metric}: groups sum to ${sum}, total is ${total[metric]}`).toBeLessThanOrEqual(1e-9 + 1e-12 * scale);
}

const keyOf = (row: CostRow) => JSON.stringify(row.keys);

/**
 * The behaviour every `CostSource` adapter must show, on whatever data `makeSource`
 * opens (it should span at least two groups for each dimension, and two days).
 *
 * @example
 * ```ts
 * runCostSourceContract("focus-duckdb", () => FocusDuckdbSource.open({ path }), {
 *   dimensions: ["provider", "service"], granularities: ["total", "month", "day"],
 *   metrics: { effectiveCost: true, listCost: true, contractedCost: true }, rowCounts: true, methods: [],
 * });
 * ```
 */
export function runCostSourceContract(name: string, makeSource: () => Promise<CostSource>, capabilities: CostSourceCapabilities) {
  describe(`CostSource contract: ${name}`, () => {
    let source: CostSource;
    let total: CostRow;

    beforeAll(async () => {
      source = await makeSource();
      const answer = await source.costs({ granularity: "total" });
      expect(answer.rows).toHaveLength(1);
      total = answer.rows[0]!;
    });
    afterAll(async () => {
      await source?.close();
    });

    it("describes the dataset with sorted periods and an ordered day range", async () => {
      const info = await source.describe();
      expect(info.source).not.toBe("");
      expect(info.currency.length).toBeGreaterThan(0);
      for (const period of info.periods) expect(period).toMatch(/^\d{4}-(0[1-9]|1[0-2])$/);
      expect([...info.periods].sort()).toEqual(info.periods);
      expect(info.firstDay).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(info.lastDay).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(info.firstDay <= info.lastDay).toBe(true);
      expect(Array.isArray(info.warnings)).toBe(true);
    });

    it("answers the total as one ungrouped row, with the query that produced it", async () => {
      const answer = await source.costs({ granularity: "total" });
      expect(answer.query.trim()).not.toBe("");
      expect(answer.rows[0]).toMatchObject({ keys: {} });
      expect(answer.rows[0]!.period).toBeUndefined();
      expect(Number.isFinite(total.billedCost)).toBe(true);
      if (capabilities.rowCounts) expect(total.rows).toBeGreaterThan(0);
      else expect(total.rows).toBeUndefined();
    });

    it("reports a metric it does not have as null, never 0", () => {
      for (const metric of ["effectiveCost", "listCost", "contractedCost"] as const) {
        if (!capabilities.metrics[metric]) expect(total[metric], metric).toBeNull();
      }
    });

    for (const dimension of capabilities.dimensions) {
      it(`grouped by ${dimension}, one row per distinct key, summing back to the total`, async () => {
        const answer = await source.costs({ granularity: "total", groupBy: [dimension] });
        expect(answer.query.trim()).not.toBe("");
        expect(answer.rows.length).toBeGreaterThan(0);
        for (const row of answer.rows) expect(typeof row.keys[dimension]).toBe("string");
        expect(new Set(answer.rows.map(keyOf)).size).toBe(answer.rows.length);
        for (const metric of METRICS) expectSumsTo(answer.rows, total, metric);
        if (capabilities.rowCounts) expect(answer.rows.reduce((a, r) => a + (r.rows ?? 0), 0)).toBe(total.rows);
        const billed = answer.rows.map((r) => r.billedCost);
        expect(billed).toEqual([...billed].sort((a, b) => b - a));
      });

      it(`filtered on one ${dimension}, answers exactly that group`, async () => {
        const groups = (await source.costs({ granularity: "total", groupBy: [dimension] })).rows;
        const target = groups[groups.length - 1]!;
        const value = target.keys[dimension]!;
        const filtered = await source.costs({ granularity: "total", groupBy: [dimension], where: { [dimension]: [value] } });
        expect(filtered.rows.map((r) => r.keys[dimension])).toEqual([value]);
        expect(filtered.rows[0]!.billedCost).toBeCloseTo(target.billedCost, 9);
        const none = await source.costs({ granularity: "total", where: { [dimension]: [] } });
        expect(none.rows).toEqual([]);
      });
    }

    for (const granularity of capabilities.granularities.filter((g) => g !== "total")) {
      const shape = granularity === "month" ? /^\d{4}-(0[1-9]|1[0-2])$/ : /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
      it(`per ${granularity}, periods are well-formed, sorted and sum back to the total`, async () => {
        const info = await source.describe();
        const answer = await source.costs({ granularity });
        expect(answer.rows.length).toBeGreaterThan(0);
        const periods = answer.rows.map((r) => r.period ?? "");
        for (const period of periods) expect(period).toMatch(shape);
        expect(new Set(periods).size).toBe(periods.length);
        expect([...periods].sort()).toEqual(periods);
        if (granularity === "month") for (const p of periods) expect(info.periods).toContain(p);
        else for (const p of periods) expect(p >= info.firstDay && p <= info.lastDay, `${p} within ${info.firstDay}…${info.lastDay}`).toBe(true);
        for (const metric of METRICS) expectSumsTo(answer.rows, total, metric);
      });

      if (capabilities.dimensions.length > 0) {
        const dimension = capabilities.dimensions[0]!;
        it(`per ${granularity} and ${dimension}, limit keeps the top groups of each period by billed cost`, async () => {
          const all = (await source.costs({ granularity, groupBy: [dimension] })).rows;
          const top = (await source.costs({ granularity, groupBy: [dimension], limit: 1 })).rows;
          const periods = [...new Set(all.map((r) => r.period))];
          expect(top.map((r) => r.period)).toEqual(periods);
          for (const row of top) {
            const best = Math.max(...all.filter((r) => r.period === row.period).map((r) => r.billedCost));
            expect(row.billedCost).toBe(best);
          }
          for (let i = 1; i < all.length; i++) {
            const [a, b] = [all[i - 1]!, all[i]!];
            expect(a.period! < b.period! || (a.period === b.period && a.billedCost >= b.billedCost)).toBe(true);
          }
        });
      }
    }

    if (capabilities.dimensions.length > 0) {
      it("respects limit on a total ranking", async () => {
        const dimension = capabilities.dimensions[0]!;
        const all = (await source.costs({ granularity: "total", groupBy: [dimension] })).rows;
        const top = (await source.costs({ granularity: "total", groupBy: [dimension], limit: 2 })).rows;
        expect(top).toEqual(all.slice(0, 2));
      });
    }

    it("refuses a malformed query instead of guessing", async () => {
      await expect(source.costs({ granularity: "total", groupBy: ["nope" as CostDimension] })).rejects.toThrow();
      await expect(source.costs({ granularity: "total", limit: 0 })).rejects.toThrow();
    });

    it("stops at once on an aborted signal", async () => {
      const controller = new AbortController();
      controller.abort(new Error("stop"));
      await expect(source.costs({ granularity: "total" }, { signal: controller.signal })).rejects.toThrow("stop");
      // ...and stays usable afterwards.
      expect((await source.costs({ granularity: "total" })).rows[0]!.billedCost).toBe(total.billedCost);
    });

    for (const method of ["commitments", "tagCoverage", "resources", "unitCosts"] as const) {
      if (capabilities.methods.includes(method)) {
        it(`answers ${method} with rows and the query behind them`, async () => {
          const answer = await source[method]!();
          expect(Array.isArray(answer.rows)).toBe(true);
          expect(answer.query.trim()).not.toBe("");
        });
      } else {
        it(`leaves out ${method}, or refuses it as unsupported`, async () => {
          const call = source[method] as ((this: CostSource) => Promise<unknown>) | undefined;
          if (call === undefined) return;
          await expect(call.call(source)).rejects.toBeInstanceOf(UnsupportedCostQueryError);
        });
      }
    }
  });
}
