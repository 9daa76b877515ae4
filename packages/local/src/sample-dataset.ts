import { readdirSync } from "node:fs";
import { join } from "node:path";
import { FOCUS_SAMPLE, HAS_FOCUS_SAMPLE, generateFocus } from "@ferry/core/testing/focus-generator";

/** The file `npm start` puts in an empty datasets folder. */
export const SAMPLE_DATASET = "sample-12-months.csv";

/**
 * Gives a new offline stack something to analyse: when the datasets folder holds no
 * billing file, writes a labelled synthetic FOCUS export (12 months, 60,000 rows, about
 * 45 MB, under a second) built from the shared FOCUS sample when it is beside the repo
 * and from the generator's built-in rows otherwise. The FinOps tab can then run on
 * `{dataset: "sample-12-months.csv"}` before anyone has an export of their own. A folder
 * with any file in it is left alone: those are the user's.
 *
 * @returns the file written, or undefined when the folder already had files.
 */
export async function seedSampleDataset(dir: string): Promise<string | undefined> {
  if (readdirSync(dir).some((name) => !name.startsWith("."))) return undefined;
  const out = join(dir, SAMPLE_DATASET);
  await generateFocus({ months: 12, rows: 60_000, seed: 1, out, format: "csv", template: HAS_FOCUS_SAMPLE ? FOCUS_SAMPLE : undefined });
  return out;
}
