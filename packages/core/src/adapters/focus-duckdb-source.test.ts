import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { DuckDBInstance } from "@duckdb/node-api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NonRetryableJobError } from "../errors";
import { UnsupportedCostQueryError, type CostRow, type TagCoverageSummaryRow, type TagKeyRow } from "../ports/cost-source";
import { runCostSourceContract } from "../testing/cost-source-contract";
import { FOCUS_SAMPLE, HAS_FOCUS, NO_FOCUS_MESSAGE, column, decimalSign, exactSum, parseCsv, readFocusSample, writeCsv, type Cell, type Table } from "../testing/focus-fixtures";
import { makePdf } from "../testing/pdf-fixtures";
import { FocusDuckdbSource } from "./focus-duckdb-source";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "focus-source-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let files = 0;
async function write(content: string | Uint8Array): Promise<string> {
  const path = join(dir, `upload-${++files}`); // no extension: the format comes from the bytes
  await writeFile(path, content);
  return path;
}

/** Opens, runs `use`, and always closes. */
async function withSource<T>(path: string, use: (s: FocusDuckdbSource) => Promise<T>, options: { storage?: "memory" | "disk" } = {}): Promise<T> {
  const source = await FocusDuckdbSource.open({ path, ...options });
  try {
    return await use(source);
  } finally {
    await source.close();
  }
}

/** The refusal `open` gives, checked to be a non-retryable bad-input error. */
async function refusal(path: string): Promise<string> {
  const error = await FocusDuckdbSource.open({ path }).then(
    async (s) => {
      await s.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(NonRetryableJobError);
  expect((error as NonRetryableJobError).code).toBe("invalid_input");
  return (error as Error).message;
}

const total = async (s: FocusDuckdbSource) => (await s.costs({ granularity: "total" })).rows[0]!;
const byKey = (rows: CostRow[], dimension: keyof CostRow["keys"]) => Object.fromEntries(rows.map((r) => [r.keys[dimension], r]));

describe("refusing files that are not FOCUS exports", () => {
  it("refuses an empty file as having no billing rows", async () => {
    expect(await refusal(await write(""))).toMatch(/no billing rows/);
  });

  it("refuses a PDF, naming what it is", async () => {
    expect(await refusal(await write(makePdf([[{ text: "Invoice", y: 700 }]])))).toMatch(/is a PDF/);
  });

  it("refuses JSON as not CSV", async () => {
    expect(await refusal(await write(JSON.stringify([{ BilledCost: 1, ServiceName: "EC2" }])))).toMatch(/looks like JSON/);
  });

  it("refuses 10 MB of random bytes without handing them to DuckDB", async () => {
    const bytes = randomBytes(10 * 1024 * 1024);
    bytes[0] = 0x41; // not a magic number by accident
    expect(await refusal(await write(bytes))).toMatch(/not text|not UTF-8/);
  });

  it("refuses random bytes behind a gzip magic number as corrupt gzip", async () => {
    expect(await refusal(await write(Buffer.concat([Buffer.from([0x1f, 0x8b]), randomBytes(100_000)])))).toMatch(/gzip/);
  });

  it("refuses random bytes behind a Parquet magic number as a corrupt Parquet file", async () => {
    expect(await refusal(await write(Buffer.concat([Buffer.from("PAR1"), randomBytes(100_000)])))).toMatch(/Parquet file is corrupt/);
  });

  it("refuses a CSV that is not FOCUS, listing every missing required column", async () => {
    const message = await refusal(await write("date,amount,description\n2024-09-01,12.50,coffee\n"));
    for (const name of ["BilledCost", "ChargePeriodStart", "ServiceName", "ProviderName", "BillingCurrency"]) expect(message).toContain(name);
  });

  it("stops before reading when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort(new Error("cancelled by user"));
    await expect(FocusDuckdbSource.open({ path: await write("x"), signal: controller.signal })).rejects.toThrow("cancelled by user");
  });
});

const describeSample = HAS_FOCUS ? describe : describe.skip;

describeSample(HAS_FOCUS ? "the FOCUS 1.0 sample (MANIFEST.md §1)" : NO_FOCUS_MESSAGE, () => {
  const sample: Table = HAS_FOCUS ? readFocusSample() : { header: [], rows: [] };
  // The body runs at collection even when skipped: without the sample, columns read as empty.
  const get = (name: string) => (HAS_FOCUS ? column(sample, name) : () => null);
  const billed = get("BilledCost");
  const provider = get("ProviderName");

  /** A variant of the sample with `edit` applied to a copy of every row (and the header). */
  function variant(edit: { header?: (h: string[]) => string[]; row?: (r: Cell[], i: number) => Cell[] | undefined }): Table {
    return {
      header: edit.header ? edit.header([...sample.header]) : [...sample.header],
      rows: sample.rows.flatMap((r, i) => {
        const out = edit.row ? edit.row([...r], i) : [...r];
        return out ? [out] : [];
      }),
    };
  }
  const index = (name: string) => sample.header.indexOf(name);

  runCostSourceContract("focus-duckdb (FOCUS 1.0 sample)", () => FocusDuckdbSource.open({ path: FOCUS_SAMPLE }), {
    dimensions: ["provider", "service", "serviceCategory", "subAccount", "region", "chargeCategory", "resource", "billingAccount"],
    granularities: ["total", "month", "day"],
    metrics: { effectiveCost: true, listCost: true, contractedCost: true },
    rowCounts: true,
    methods: ["commitments", "tagCoverage", "resources", "unitCosts"],
  });

  describe("ground truth", () => {
    let source: FocusDuckdbSource;
    beforeAll(async () => {
      source = await FocusDuckdbSource.open({ path: FOCUS_SAMPLE });
    });
    afterAll(async () => {
      await source?.close();
    });

    it("sums every cost exactly as MANIFEST §1 does", async () => {
      const t = await total(source);
      expect(t.rows).toBe(670);
      expect(t.billedCost).toBeCloseTo(16.04336887679, 9);
      expect(t.effectiveCost).toBeCloseTo(13.21995266586, 9);
      expect(t.listCost).toBeCloseTo(16.08976887679, 9);
      expect(t.contractedCost).toBeCloseTo(13.21969967318, 9);
    });

    it("splits billed cost and rows by provider as MANIFEST §1 does", async () => {
      const rows = byKey((await source.costs({ granularity: "total", groupBy: ["provider"] })).rows, "provider");
      expect(rows.AWS).toMatchObject({ rows: 619 });
      expect(rows.Microsoft).toMatchObject({ rows: 47 });
      expect(rows.Oracle).toMatchObject({ rows: 4 });
      expect(rows.AWS!.billedCost).toBeCloseTo(15.5583422862, 9);
      expect(rows.Oracle!.billedCost).toBeCloseTo(0.26507392473, 9);
      expect(rows.Microsoft!.billedCost).toBeCloseTo(0.21995266586, 9);
    });

    it("ranks the top services, sub-accounts (with names) and regions as MANIFEST §1 does", async () => {
      const services = (await source.costs({ granularity: "total", groupBy: ["service"], limit: 5 })).rows;
      expect(services.map((r) => [r.keys.service, Number(r.billedCost.toFixed(11))])).toEqual([
        ["Amazon Elastic Compute Cloud", 14.6009359085],
        ["Azure DB for MySQL", 0.37096774194],
        ["Amazon Relational Database Service", 0.3522968852],
        ["Elastic Load Balancing", 0.3065808659],
        ["COMPUTE", 0.264],
      ]);
      const accounts = (await source.costs({ granularity: "total", groupBy: ["subAccount"], limit: 3 })).rows;
      expect(accounts.map((r) => [r.keys.subAccount, r.labels?.subAccount, Number(r.billedCost.toFixed(11))])).toEqual([
        ["11353890204", "Atlas Orion", 13.6164825497],
        ["85742851457", "Orion Odyssey", 0.2662317618],
        [expect.stringMatching(/^ocid6\.tenancy\..*mz7ywh2/), "cloudnativecoop", 0.24],
      ]);
      const regions = (await source.costs({ granularity: "total", groupBy: ["region"], limit: 3 })).rows;
      expect(regions.map((r) => [r.keys.region, Number(r.billedCost.toFixed(11))])).toEqual([
        ["us-east-1", 13.6967409176],
        ["us-west-2", 1.0159163991],
        ["us-east-2", 0.4191189417],
      ]);
    });

    it("finds the one Credit row with its negative amounts", async () => {
      const rows = (await source.costs({ granularity: "total", groupBy: ["chargeCategory", "provider", "service"], where: { chargeCategory: ["Credit"] } })).rows;
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ keys: { chargeCategory: "Credit", provider: "AWS", service: "Amazon Elastic Compute Cloud" }, rows: 1 });
      expect(rows[0]!.billedCost).toBeCloseTo(-2.6137, 9);
      expect(rows[0]!.effectiveCost).toBeCloseTo(-3, 9);
    });

    it("splits billing periods 669 / 1 and charge days across September", async () => {
      const months = (await source.costs({ granularity: "month" })).rows;
      expect(months.map((r) => [r.period, r.rows])).toEqual([
        ["2024-09", 669],
        ["2024-10", 1],
      ]);
      const days = (await source.costs({ granularity: "day" })).rows;
      const expected = new Set(sample.rows.map((r) => get("ChargePeriodStart")(r)!.slice(0, 10)));
      expect(days.map((r) => r.period)).toEqual([...expected].sort());
      for (const day of days) {
        const rows = sample.rows.filter((r) => get("ChargePeriodStart")(r)!.startsWith(day.period!));
        expect(day.billedCost).toBeCloseTo(exactSum(rows.map(billed)), 9);
      }
    });

    it("describes the dataset and warns about unreliable EffectiveCost and empty ContractedCost", async () => {
      const info = await source.describe();
      expect(info).toMatchObject({
        source: "focus",
        focusVersion: "1.0",
        rows: 670,
        currency: ["USD"],
        providers: ["AWS", "Microsoft", "Oracle"],
        firstDay: "2024-09-01",
        lastDay: "2024-09-30",
        periods: ["2024-09", "2024-10"],
      });
      expect(info.columns).toEqual(expect.arrayContaining(["Tags", "ResourceId", "CommitmentDiscountId", "SubAccountName", "RegionId"]));
      expect(info.columns).not.toContain("BilledCost");
      const effective = get("EffectiveCost");
      const category = get("ChargeCategory");
      const awsPositive = sample.rows.filter((r) => provider(r) === "AWS" && decimalSign(billed(r)) > 0 && category(r) !== "Purchase");
      const awsZero = awsPositive.filter((r) => decimalSign(effective(r)) === 0);
      expect(awsZero.length).toBeGreaterThan(0);
      expect(info.warnings.join("\n")).toContain(`EffectiveCost is 0 on ${awsZero.length} of ${awsPositive.length} AWS rows with BilledCost > 0`);
      expect(info.warnings.join("\n")).toMatch(/ContractedCost is empty on 4 Oracle rows/);
    });

    it("keeps the quirks: 13-digit ids as text, NULL vs empty, RegionName fallback, null ContractedCost", async () => {
      const accounts = (await source.costs({ granularity: "total", groupBy: ["billingAccount"] })).rows.map((r) => r.keys.billingAccount);
      expect(accounts).toContain("1234567890123");
      expect(accounts).toHaveLength(3);
      const oracle = (await source.costs({ granularity: "total", groupBy: ["provider", "region"], where: { provider: ["Oracle"] } })).rows;
      const oracleRows = sample.rows.filter((r) => provider(r) === "Oracle");
      expect(oracleRows.every((r) => get("RegionId")(r) === null)).toBe(true); // unquoted NULL…
      expect(oracleRows.every((r) => get("ContractedCost")(r) === null)).toBe(true);
      expect(oracle.map((r) => r.keys.region).sort()).toEqual([...new Set(oracleRows.map(get("RegionName")))].sort()); // …falls back to RegionName
      for (const row of oracle) expect(row.contractedCost).toBeNull();
      const distinct = async (dimension: "subAccount" | "service" | "serviceCategory" | "region" | "resource", of: (r: Cell[]) => Cell) =>
        expect((await source.costs({ granularity: "total", groupBy: [dimension] })).rows).toHaveLength(new Set(sample.rows.map((r) => of(r) ?? "")).size);
      await distinct("subAccount", get("SubAccountId"));
      await distinct("service", get("ServiceName"));
      await distinct("serviceCategory", get("ServiceCategory"));
      await distinct("region", (r) => get("RegionId")(r) ?? get("RegionName")(r));
      await distinct("resource", get("ResourceId"));
    });

    it("treats filter values as values, even when they look like SQL", async () => {
      const rows = (await source.costs({ granularity: "total", where: { service: ["x' OR '1'='1", 'Amazon Elastic Compute Cloud"; DROP TABLE focus; --'] } })).rows;
      expect(rows).toEqual([]);
      expect((await total(source)).rows).toBe(670);
    });

    it("measures tag coverage from the JSON Tags with doubled quotes", async () => {
      const tags = get("Tags");
      const keysOf = (r: Cell[]) => {
        const t = tags(r);
        return t === null ? [] : Object.keys(JSON.parse(t) as object);
      };
      const answer = await source.tagCoverage();
      expect(answer.query).toMatch(/json_/);
      const overall = answer.rows.find((r) => r.kind === "overall") as TagCoverageSummaryRow;
      expect(overall.taggedRows).toBe(519);
      expect(overall.untaggedRows).toBe(670 - 519);
      expect(overall.invalidTagRows).toBe(0);
      expect(overall.taggedCost).toBeCloseTo(exactSum(sample.rows.filter((r) => keysOf(r).length > 0).map(billed)), 9);
      expect(overall.untaggedCost).toBeCloseTo(exactSum(sample.rows.filter((r) => keysOf(r).length === 0).map(billed)), 9);
      for (const p of ["AWS", "Microsoft", "Oracle"]) {
        const row = answer.rows.find((r) => r.kind === "provider" && r.provider === p) as TagCoverageSummaryRow;
        expect(row.taggedCost).toBeCloseTo(exactSum(sample.rows.filter((r) => provider(r) === p && keysOf(r).length > 0).map(billed)), 9);
      }
      for (const key of ["application", "environment", "business_unit"]) {
        const row = answer.rows.find((r) => r.kind === "tagKey" && r.tagKey === key) as TagKeyRow;
        const carrying = sample.rows.filter((r) => keysOf(r).includes(key));
        expect(row.rows).toBe(carrying.length);
        expect(row.billedCost).toBeCloseTo(exactSum(carrying.map(billed)), 9);
        expect(row.values).toBe(new Set(carrying.map((r) => (JSON.parse(tags(r)!) as Record<string, string>)[key])).size);
      }
    });

    it("lists commitment discounts with the used / unused split, and usage coverage", async () => {
      const id = get("CommitmentDiscountId");
      const committed = sample.rows.filter((r) => (id(r) ?? "") !== ""); // Oracle writes "" for none
      const answer = await source.commitments();
      const commitments = answer.rows.filter((r) => r.kind === "commitment");
      expect(commitments).toHaveLength(new Set(committed.map(id)).size);
      expect(commitments[0]).toMatchObject({
        commitmentDiscountId: id(committed[0]!),
        category: get("CommitmentDiscountCategory")(committed[0]!),
        type: get("CommitmentDiscountType")(committed[0]!),
        rows: committed.length,
        unusedCost: 0,
      });
      expect(get("CommitmentDiscountStatus")(committed[0]!)).toBe("Used");
      const usage = sample.rows.filter((r) => get("ChargeCategory")(r) === "Usage");
      const coverage = answer.rows.filter((r) => r.kind === "coverage");
      const covered = coverage.reduce((a, r) => a + r.coveredCost + r.onDemandCost + r.otherCost, 0);
      expect(covered).toBeCloseTo(exactSum(usage.map(get("EffectiveCost"))), 9);
      expect(coverage.reduce((a, r) => a + r.rows, 0)).toBe(usage.length);
    });

    it("profiles the costliest resources", async () => {
      const id = get("ResourceId");
      const perResource = new Map<string, Cell[][]>();
      for (const r of sample.rows) if (id(r) !== null) perResource.set(id(r)!, [...(perResource.get(id(r)!) ?? []), r]);
      const expected = [...perResource].map(([k, rows]) => [k, exactSum(rows.map(billed))] as const).sort((a, b) => b[1] - a[1]);
      const answer = await source.resources({ limit: 5 });
      expect(answer.rows).toHaveLength(5);
      expect(answer.rows[0]!.billedCost).toBeCloseTo(expected[0]![1], 9);
      expect(answer.rows.map((r) => r.billedCost)).toEqual([...answer.rows.map((r) => r.billedCost)].sort((a, b) => b - a));
      const top = answer.rows[0]!;
      const rows = perResource.get(top.resourceId)!;
      const days = new Set(rows.map((r) => get("ChargePeriodStart")(r)!.slice(0, 10)));
      expect(top.days).toBe(days.size);
      expect(top.firstDay).toBe([...days].sort()[0]);
      expect(top.service).toBe(get("ServiceName")(rows[0]!));
      expect(top.consumedUnit).toBe(get("ConsumedUnit")(rows[0]!));
      expect(top.dailyCostStddev).toBeGreaterThanOrEqual(0);
      expect(await source.resources({ limit: 1 })).toMatchObject({ rows: [answer.rows[0]] });
    });

    it("computes usage cost per unit per service, unit and region", async () => {
      const answer = await source.unitCosts();
      const ec2 = answer.rows.find((r) => r.service === "Amazon Elastic Compute Cloud" && r.region === "us-east-1" && r.unit === "Hours")!;
      const rows = sample.rows.filter(
        (r) => get("ServiceName")(r) === "Amazon Elastic Compute Cloud" && get("RegionId")(r) === "us-east-1" && get("PricingUnit")(r) === "Hours" && get("ChargeCategory")(r) === "Usage",
      );
      expect(ec2.unitSource).toBe("pricing");
      expect(ec2.rows).toBe(rows.length);
      expect(ec2.quantity).toBeCloseTo(exactSum(rows.map(get("PricingQuantity"))), 9);
      expect(ec2.billedCost).toBeCloseTo(exactSum(rows.map(billed)), 9);
      expect(ec2.billedCostPerUnit).toBeCloseTo(ec2.billedCost / ec2.quantity, 12);
    });
  });

  describe("other encodings of the same data", () => {
    async function expectSampleTotals(path: string, options: { storage?: "memory" | "disk" } = {}) {
      await withSource(
        path,
        async (s) => {
          const t = await total(s);
          expect(t.rows).toBe(670);
          expect(t.billedCost).toBeCloseTo(16.04336887679, 9);
          expect(t.effectiveCost).toBeCloseTo(13.21995266586, 9);
          expect(t.listCost).toBeCloseTo(16.08976887679, 9);
          expect(t.contractedCost).toBeCloseTo(13.21969967318, 9);
          const providers = byKey((await s.costs({ granularity: "total", groupBy: ["provider"] })).rows, "provider");
          expect(providers.AWS!.billedCost).toBeCloseTo(15.5583422862, 9);
          const accounts = (await s.costs({ granularity: "total", groupBy: ["billingAccount"] })).rows.map((r) => r.keys.billingAccount);
          expect(accounts).toContain("1234567890123");
          const info = await s.describe();
          expect([info.firstDay, info.lastDay, info.periods]).toEqual(["2024-09-01", "2024-09-30", ["2024-09", "2024-10"]]);
          const tags = (await s.tagCoverage()).rows.find((r) => r.kind === "overall");
          expect(tags).toMatchObject({ taggedRows: 519 });
        },
        options,
      );
    }

    async function copy(select: string, format: string): Promise<string> {
      const path = join(dir, `copy-${++files}`);
      const instance = await DuckDBInstance.create(":memory:");
      const connection = await instance.connect();
      try {
        await connection.run(`COPY (${select.replace("$SAMPLE", `'${FOCUS_SAMPLE.replaceAll("'", "''")}'`)}) TO '${path}' (${format})`);
      } finally {
        connection.closeSync();
        instance.closeSync();
      }
      return path;
    }

    it("reads CSV.gz (gzip of the original bytes) to the same totals", async () => {
      await expectSampleTotals(await write(gzipSync(await readFile(FOCUS_SAMPLE))));
    });

    it("reads a CSV.gz written by DuckDB COPY to the same totals", async () => {
      await expectSampleTotals(await copy("SELECT * FROM read_csv($SAMPLE, all_varchar = true, nullstr = 'NULL')", "FORMAT csv, HEADER, COMPRESSION gzip"));
    });

    it("reads Parquet with DuckDB's own types (DOUBLE costs, BIGINT account id, TIMESTAMP) to the same totals", async () => {
      await expectSampleTotals(await copy("SELECT * FROM read_csv($SAMPLE, nullstr = 'NULL')", "FORMAT parquet"));
    });

    it("reads Parquet of text columns to the same totals", async () => {
      await expectSampleTotals(await copy("SELECT * FROM read_csv($SAMPLE, all_varchar = true, nullstr = 'NULL')", "FORMAT parquet"));
    });

    it("reads Parquet whose Tags are a MAP, as AWS Data Exports write them", async () => {
      await expectSampleTotals(
        await copy(`SELECT * REPLACE (CAST(json_transform(Tags, '"MAP(VARCHAR, VARCHAR)"') AS MAP(VARCHAR, VARCHAR)) AS Tags) FROM read_csv($SAMPLE, nullstr = 'NULL')`, "FORMAT parquet"),
      );
    });

    it("gives the same totals from a temp database file as from memory", async () => {
      await expectSampleTotals(FOCUS_SAMPLE, { storage: "disk" });
    });

    it("reads UTF-16 (little-endian, with a byte-order mark) to the same totals", async () => {
      await expectSampleTotals(await write(Buffer.from(`\ufeff${await readFile(FOCUS_SAMPLE, "utf8")}`, "utf16le")));
    });

    it("reads a semicolon-separated export to the same totals", async () => {
      await expectSampleTotals(await write(writeCsv(sample, ";")));
    });

    it("reads a UTF-8 file with a byte-order mark and CRLF line ends", async () => {
      const crlf = (await readFile(FOCUS_SAMPLE, "utf8")).replaceAll("\n", "\r\n");
      await expectSampleTotals(await write(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(crlf)])));
    });
  });

  describe("other FOCUS shapes", () => {
    it("accepts a FOCUS 1.2 column set in another order, with vendor x_ columns, and says it is 1.2", async () => {
      const added = ["BillingAccountType", "SubAccountType", "InvoiceId", "PricingCurrency", "PricingCurrencyContractedUnitPrice", "PricingCurrencyEffectiveCost", "PricingCurrencyListUnitPrice", "CapacityReservationId", "ServiceSubcategory", "x_ServiceCode", "oci_CompartmentName"];
      const wide = variant({ header: (h) => [...h, ...added], row: (r, i) => [...r, "Billing Profile", "Subscription", `INV-${i % 3}`, "USD", "0.1", "0.2", "0.3", null, "Virtual Machines", "AmazonEC2", "root"] });
      const order = wide.header.map((_, i) => i).reverse();
      const shuffled: Table = { header: order.map((i) => wide.header[i]!), rows: wide.rows.map((r) => order.map((i) => r[i] ?? null)) };
      await withSource(await write(writeCsv(shuffled)), async (s) => {
        const t = await total(s);
        expect(t.billedCost).toBeCloseTo(16.04336887679, 9);
        expect(t.contractedCost).toBeCloseTo(13.21969967318, 9);
        const info = await s.describe();
        expect(info.focusVersion).toBe("1.2");
        expect(info.columns).toEqual(expect.arrayContaining(["InvoiceId", "CapacityReservationId", "ServiceSubcategory"]));
        expect(info.columns.some((c) => c.startsWith("x_"))).toBe(false);
      });
    });

    it("reads FOCUS 1.0-preview names (Provider, Region) and says so", async () => {
      const renamed = variant({ header: (h) => h.map((c) => (c === "ProviderName" ? "Provider" : c === "RegionName" ? "Region" : c)) });
      await withSource(await write(writeCsv(renamed)), async (s) => {
        const providers = byKey((await s.costs({ granularity: "total", groupBy: ["provider"] })).rows, "provider");
        expect(providers.Oracle!.billedCost).toBeCloseTo(0.26507392473, 9);
        expect((await s.describe()).warnings.join("\n")).toMatch(/column Provider was read as ProviderName/);
      });
    });

    it("refuses a FOCUS file missing required columns, naming every one and the closest version", async () => {
      const dropped = ["BilledCost", "ChargePeriodStart", "ServiceName"];
      const keep = sample.header.map((h, i) => [h, i] as const).filter(([h]) => !dropped.includes(h));
      const table: Table = { header: keep.map(([h]) => h), rows: sample.rows.map((r) => keep.map(([, i]) => r[i] ?? null)) };
      const message = await refusal(await write(writeCsv(table)));
      expect(message).toMatch(/BilledCost, ChargePeriodStart, ServiceName/);
      expect(message).toMatch(/closest FOCUS version: 1\.0/);
    });

    it("refuses a header-only file as having no billing rows", async () => {
      expect(await refusal(await write(writeCsv({ header: sample.header, rows: [] })))).toMatch(/no billing rows/);
    });

    it("refuses text that is not UTF-8 even past the first 64 KB, and nothing crashes", async () => {
      const text = Buffer.from(writeCsv(sample));
      const at = text.lastIndexOf(Buffer.from("SunBird"));
      expect(at).toBeGreaterThan(64 * 1024);
      text[at + 4] = 0xe9; // a Latin-1 "é"
      expect(await refusal(await write(text))).toMatch(/not UTF-8/);
      await withSource(FOCUS_SAMPLE, async (s) => expect((await total(s)).rows).toBe(670));
    });

    it("skips a malformed line, counts it in the warnings and keeps every other row", async () => {
      const lines = writeCsv(sample).split("\n");
      lines.splice(5, 0, '"broken","line"');
      await withSource(await write(lines.join("\n")), async (s) => {
        expect((await total(s)).rows).toBe(670);
        expect((await total(s)).billedCost).toBeCloseTo(16.04336887679, 9);
        expect((await s.describe()).warnings.join("\n")).toMatch(/1 malformed CSV line could not be read/);
      });
    });

    it("counts costs that are not numbers instead of dropping them silently", async () => {
      const b = index("BilledCost");
      const broken = variant({ row: (r, i) => (i === 3 ? r.map((c, j) => (j === b ? "n/a" : c)) : r) });
      await withSource(await write(writeCsv(broken)), async (s) => {
        const t = await total(s);
        expect(t.rows).toBe(670);
        expect(t.billedCost).toBeCloseTo(exactSum(sample.rows.filter((_, i) => i !== 3).map(billed)), 9);
        expect((await s.describe()).warnings.join("\n")).toMatch(/BilledCost is not a number on 1 row/);
      });
    });

    it("reads amounts of every shape to their exact value, and counts the one that is not a number", async () => {
      const b = index("BilledCost");
      const r = index("ResourceId");
      const amounts: Array<[Cell, number | null]> = [
        ["24.170559004940000", 24.17055900494],
        ["1691831.167625999780000", 1691831.16762599978],
        ["1.000000000000001", 1.000000000000001],
        ["0.0000000000001", 1e-13],
        ["-0.00000000001", -1e-11],
        ["12345678.5", 12345678.5],
        ["1e-13", 1e-13],
        ["+2.5", 2.5],
        [".5", 0.5],
        [" 3.25 ", 3.25],
        ["-0", 0],
        ["1,5", null],
      ];
      const rows = variant({
        row: (row, i) => (i < amounts.length ? row.map((v, j) => (j === b ? amounts[i]![0] : j === r ? `res-${i}` : v)) : undefined),
      });
      await withSource(await write(writeCsv(rows)), async (s) => {
        const got = byKey((await s.costs({ granularity: "total", groupBy: ["resource"] })).rows, "resource");
        amounts.forEach(([, expected], i) => expect(got[`res-${i}`]?.billedCost, `row ${i}`).toBe(expected ?? 0));
        expect((await s.describe()).warnings.join("\n")).toMatch(/BilledCost is not a number on 1 row:/);
      });
    });

    it("parses timestamps with T, Z and offsets as UTC days", async () => {
      const c = index("ChargePeriodStart");
      const rows = variant({
        row: (r, i) => (i === 0 ? r.map((v, j) => (j === c ? "2024-09-01T23:30:00-02:00" : v)) : i === 1 ? r.map((v, j) => (j === c ? "2024-09-05T10:00:00Z" : v)) : i < 4 ? r : undefined),
      });
      await withSource(await write(writeCsv(rows)), async (s) => {
        const days = (await s.costs({ granularity: "day" })).rows.map((r) => r.period);
        expect(days).toContain("2024-09-02");
        expect(days).toContain("2024-09-05");
        expect(days).not.toContain("2024-09-01");
        expect((await s.describe()).warnings.join("\n")).not.toMatch(/ChargePeriodStart/);
      });
    });

    it("parses minutes-only and fractional timestamps, and counts an impossible date", async () => {
      const c = index("ChargePeriodStart");
      const values = ["2024-09-03T04:05Z", "2024-09-04 23:59:59.999", "2024-09-06 10:00", "2024-09-07T00:00:00", "2024-02-30 00:00:00"];
      const rows = variant({ row: (r, i) => (i < values.length ? r.map((v, j) => (j === c ? values[i]! : v)) : undefined) });
      await withSource(await write(writeCsv(rows)), async (s) => {
        const days = (await s.costs({ granularity: "day" })).rows.map((r) => r.period).sort();
        expect(days).toEqual(["2024-09-03", "2024-09-04", "2024-09-06", "2024-09-07"]);
        expect((await s.describe()).warnings.join("\n")).toMatch(/ChargePeriodStart is not a date-time on 1 row:/);
      });
    });

    it("counts empty, {} and unreadable Tags as untagged, and reports the unreadable ones", async () => {
      const t = index("Tags");
      const values: Cell[] = ['{"team": "core"}', "{}", null, "", '{"team": ', "[1, 2]", '"env": "prod"'];
      const rows = variant({ row: (r, i) => (i < values.length ? r.map((v, j) => (j === t ? values[i]! : v)) : undefined) });
      await withSource(await write(writeCsv(rows)), async (s) => {
        const overall = (await s.tagCoverage()).rows.find((r) => r.kind === "overall");
        expect(overall).toMatchObject({ taggedRows: 2, untaggedRows: 5, invalidTagRows: 2 });
        expect((await s.describe()).warnings.join("\n")).toMatch(/2 rows have Tags that are not a JSON object/);
      });
    });

    it("warns when currencies are mixed", async () => {
      const c = index("BillingCurrency");
      const mixed = variant({ row: (r, i) => (i % 2 === 0 ? r.map((v, j) => (j === c ? "EUR" : v)) : r) });
      await withSource(await write(writeCsv(mixed)), async (s) => {
        const info = await s.describe();
        expect(info.currency).toEqual(["EUR", "USD"]);
        expect(info.warnings.join("\n")).toMatch(/mixes 2 billing currencies \(EUR, USD\)/);
      });
    });

    it("refuses questions a file without Tags, ResourceId or commitment columns cannot answer", async () => {
      const dropped = ["Tags", "ResourceId", "CommitmentDiscountId"];
      const keep = sample.header.map((h, i) => [h, i] as const).filter(([h]) => !dropped.includes(h));
      const table: Table = { header: keep.map(([h]) => h), rows: sample.rows.map((r) => keep.map(([, i]) => r[i] ?? null)) };
      await withSource(await write(writeCsv(table)), async (s) => {
        await expect(s.tagCoverage()).rejects.toBeInstanceOf(UnsupportedCostQueryError);
        await expect(s.resources()).rejects.toBeInstanceOf(UnsupportedCostQueryError);
        await expect(s.commitments()).rejects.toBeInstanceOf(UnsupportedCostQueryError);
        expect((await total(s)).billedCost).toBeCloseTo(16.04336887679, 9);
      });
    });
  });

  it("reads the test's own CSV writer back unchanged (fixture sanity)", () => {
    expect(parseCsv(writeCsv(sample))).toEqual(sample);
  });
});
