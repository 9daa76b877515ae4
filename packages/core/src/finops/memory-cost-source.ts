import {
  UnsupportedCostQueryError,
  type CommitmentRow,
  type CostAnswer,
  type CostDatasetInfo,
  type CostDimension,
  type CostQuery,
  type CostRow,
  type CostSource,
  type ResourceRow,
  type TagCoverageRow,
  type UnitCostRow,
} from "../ports/cost-source";

/** One billing line for `MemoryCostSource`; unnamed dimensions are `""`. */
export interface MemoryCharge {
  /** Charge day, `YYYY-MM-DD`. */
  day: string;
  /** Billing period, `YYYY-MM`; the charge day's month when omitted. */
  period?: string;
  provider?: string;
  service?: string;
  serviceCategory?: string;
  subAccount?: string;
  subAccountName?: string;
  region?: string;
  chargeCategory?: string;
  resource?: string;
  billingAccount?: string;
  billedCost: number;
  /** Defaults to the billed cost; `null` for a source without the metric. */
  effectiveCost?: number | null;
  listCost?: number | null;
  contractedCost?: number | null;
}

export interface MemoryCostSourceOptions {
  currency?: string;
  warnings?: string[];
  source?: string;
  /** Answers of the optional methods; a method left out is absent from the source, as on Cost Explorer. */
  commitments?: CommitmentRow[];
  tagCoverage?: TagCoverageRow[];
  resources?: ResourceRow[];
  unitCosts?: UnitCostRow[];
  /** Dimensions `costs` refuses with `UnsupportedCostQueryError`, as Cost Explorer does. */
  unsupported?: CostDimension[];
  /** Called before every answer (tests cancel or fail from here). */
  onQuery?(what: string, signal?: AbortSignal): void | Promise<void>;
}

/**
 * A `CostSource` over charges held in memory, for tests of the analyses: it groups
 * and sums like the real adapters do (by period, then billed cost descending) and
 * names each answer's "query" after the request, so traceability can be checked.
 */
export class MemoryCostSource implements CostSource {
  readonly queries: string[] = [];
  commitments?: CostSource["commitments"];
  tagCoverage?: CostSource["tagCoverage"];
  resources?: CostSource["resources"];
  unitCosts?: CostSource["unitCosts"];
  closed = false;

  constructor(
    private readonly charges: readonly MemoryCharge[],
    private readonly options: MemoryCostSourceOptions = {},
  ) {
    const { commitments, tagCoverage, resources, unitCosts } = options;
    if (commitments) this.commitments = (o) => this.#answer("commitments()", commitments, o?.signal);
    if (tagCoverage) this.tagCoverage = (o) => this.#answer("tagCoverage()", tagCoverage, o?.signal);
    if (resources) this.resources = (o) => this.#answer(`resources(${o?.limit ?? ""})`, resources.slice(0, o?.limit), o?.signal);
    if (unitCosts) this.unitCosts = (o) => this.#answer(`unitCosts(${o?.limit ?? ""})`, unitCosts.slice(0, o?.limit), o?.signal);
  }

  async describe(options?: { signal?: AbortSignal }): Promise<CostDatasetInfo> {
    await this.options.onQuery?.("describe", options?.signal);
    const days = this.charges.map((c) => c.day).sort();
    return {
      source: this.options.source ?? "memory",
      rows: this.charges.length,
      currency: [this.options.currency ?? "USD"],
      providers: [...new Set(this.charges.map((c) => c.provider ?? ""))].sort(),
      firstDay: days[0] ?? "",
      lastDay: days.at(-1) ?? "",
      periods: [...new Set(this.charges.map(periodOf))].sort(),
      columns: [],
      warnings: this.options.warnings ?? [],
    };
  }

  async costs(query: CostQuery, options?: { signal?: AbortSignal }): Promise<CostAnswer<CostRow>> {
    const text = `memory costs ${JSON.stringify(query)}`;
    for (const d of [...(query.groupBy ?? []), ...Object.keys(query.where ?? {})] as CostDimension[]) {
      if (this.options.unsupported?.includes(d)) throw new UnsupportedCostQueryError(`this source cannot group by ${d}`, `groupBy:${d}`);
    }
    const groups = new Map<string, CostRow>();
    for (const c of this.charges) {
      if (Object.entries(query.where ?? {}).some(([d, values]) => !values!.includes(valueOf(c, d as CostDimension)))) continue;
      const period = query.granularity === "month" ? periodOf(c) : query.granularity === "day" ? c.day : undefined;
      const keys = Object.fromEntries((query.groupBy ?? []).map((d) => [d, valueOf(c, d)]));
      const id = JSON.stringify([period, keys]);
      const row: CostRow = groups.get(id) ?? { ...(period ? { period } : {}), keys, billedCost: 0, effectiveCost: null, listCost: null, contractedCost: null, rows: 0 };
      if (query.groupBy?.includes("subAccount") && c.subAccountName) row.labels = { subAccount: c.subAccountName };
      row.billedCost += c.billedCost;
      row.effectiveCost = add(row.effectiveCost, c.effectiveCost === undefined ? c.billedCost : c.effectiveCost);
      row.listCost = add(row.listCost, c.listCost === undefined ? c.billedCost : c.listCost);
      row.contractedCost = add(row.contractedCost, c.contractedCost === undefined ? c.billedCost : c.contractedCost);
      row.rows! += 1;
      groups.set(id, row);
    }
    let rows = [...groups.values()].sort((a, b) => (a.period ?? "").localeCompare(b.period ?? "") || b.billedCost - a.billedCost);
    if (query.limit !== undefined) {
      const seen = new Map<string | undefined, number>();
      rows = rows.filter((r) => {
        const n = (seen.get(r.period) ?? 0) + 1;
        seen.set(r.period, n);
        return n <= query.limit!;
      });
    }
    return this.#answer(text, rows, options?.signal);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  async #answer<Row>(query: string, rows: Row[], signal?: AbortSignal): Promise<CostAnswer<Row>> {
    signal?.throwIfAborted();
    await this.options.onQuery?.(query, signal);
    signal?.throwIfAborted();
    this.queries.push(query);
    return { rows, query };
  }
}

const periodOf = (c: MemoryCharge) => c.period ?? c.day.slice(0, 7);

/** Like SQL's SUM: nulls are skipped, and a group with no value at all stays null. */
const add = (sum: number | null, value: number | null) => (sum === null ? value : value === null ? sum : sum + value);

function valueOf(c: MemoryCharge, d: CostDimension): string {
  return c[d] ?? "";
}
