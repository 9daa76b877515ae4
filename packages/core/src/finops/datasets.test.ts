import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { NonRetryableJobError } from "../errors";
import { directoryDatasets } from "./datasets";
import { DatasetName } from "./finops-job";

const dir = mkdtempSync(join(tmpdir(), "ferry-datasets-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("datasets", () => {
  it("finds a billing file by name in its folder and lists the billing files there", async () => {
    writeFileSync(join(dir, "focus.csv"), "x");
    writeFileSync(join(dir, "old.parquet"), "x");
    writeFileSync(join(dir, "notes.txt"), "x");
    mkdirSync(join(dir, "folder.csv"));
    const datasets = directoryDatasets(dir);
    expect(await datasets.locate("focus.csv", {})).toMatchObject({ path: join(dir, "focus.csv") });
    expect(await datasets.locate("absent.csv", {})).toBeUndefined();
    expect(await datasets.locate("folder.csv", {})).toBeUndefined();
    expect(await datasets.list()).toEqual(["focus.csv", "old.parquet"]);
  });

  it("never reaches outside the folder: names are file names, checked at the input and again at the folder", async () => {
    for (const name of ["../etc/passwd", "a/b.csv", "..", "a\\b.csv"]) expect(DatasetName.safeParse(name).success, name).toBe(false);
    expect(DatasetName.safeParse("focus-2024.csv.gz").success).toBe(true);
    await expect(directoryDatasets(dir).locate("../outside.csv", {})).rejects.toBeInstanceOf(NonRetryableJobError);
  });
});
