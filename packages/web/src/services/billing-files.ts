/**
 * Billing exports the FinOps page uploads: FOCUS as CSV, gzipped CSV or
 * Parquet. Browsers often leave `File.type` empty for `.parquet` and disagree
 * on gzip (`application/gzip`, `application/x-gzip`), so the type sent with
 * `request_upload` is decided here from the name, and the server checks the
 * bytes anyway.
 * @module
 */

export const BILLING_TYPES = {
  csv: "text/csv",
  gzip: "application/gzip",
  parquet: "application/vnd.apache.parquet",
} as const;

/** What the file picker offers. */
export const BILLING_ACCEPT = ".csv,.csv.gz,.gz,.parquet,text/csv,application/gzip,application/vnd.apache.parquet";

/** The content type to declare for a billing file, or undefined when it is not one we read. */
export function billingContentType(file: { name: string; type: string }): string | undefined {
  const name = file.name.toLowerCase();
  if (name.endsWith(".parquet")) return BILLING_TYPES.parquet;
  if (name.endsWith(".gz")) return BILLING_TYPES.gzip;
  if (name.endsWith(".csv")) return BILLING_TYPES.csv;
  const type = file.type.split(";")[0]!.trim().toLowerCase();
  if (type === "text/csv") return BILLING_TYPES.csv;
  if (type === "application/gzip" || type === "application/x-gzip") return BILLING_TYPES.gzip;
  if (type === "application/vnd.apache.parquet") return BILLING_TYPES.parquet;
  return undefined;
}

/** Why a file cannot be analysed, in a sentence, or undefined when it may be uploaded. */
export function billingFileProblem(file: { name: string; type: string; size: number }): string | undefined {
  if (!billingContentType(file)) return `${file.name} is not a FOCUS export the analysis reads; choose a .csv, .csv.gz or .parquet file.`;
  if (file.size === 0) return `${file.name} is empty (0 bytes).`;
  return undefined;
}

/** The same bytes under the declared type, so the upload's signed `Content-Type` matches. */
export function asBillingFile(file: File): File {
  const type = billingContentType(file) ?? file.type;
  return file.type === type ? file : new File([file], file.name, { type, lastModified: file.lastModified });
}
