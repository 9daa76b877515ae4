import { readFile } from "node:fs/promises";

/**
 * Template rows for the FOCUS generator: the real sample's rows (or a small built-in
 * set), kept as the raw CSV tokens they were written with. Keeping tokens raw, quotes
 * and all, is what lets generated files carry the sample's quirks (unquoted `NULL`,
 * quoted numbers, `""` on Oracle rows, JSON tags with doubled quotes) into every row.
 */

/** The 44 columns of the FOCUS 1.0 sample, in its order; generated files use the same header. */
export const FOCUS_COLUMNS = [
  "AvailabilityZone", "BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency",
  "BillingPeriodEnd", "BillingPeriodStart", "ChargeCategory", "ChargeClass", "ChargeDescription",
  "ChargeFrequency", "ChargePeriodEnd", "ChargePeriodStart", "CommitmentDiscountCategory", "CommitmentDiscountId",
  "CommitmentDiscountName", "CommitmentDiscountStatus", "CommitmentDiscountType", "ConsumedQuantity", "ConsumedUnit",
  "ContractedCost", "ContractedUnitPrice", "EffectiveCost", "InvoiceIssuerName", "ListCost",
  "ListUnitPrice", "PricingCategory", "PricingQuantity", "PricingUnit", "ProviderName",
  "PublisherName", "RegionId", "RegionName", "ResourceId", "ResourceName",
  "ResourceType", "ServiceCategory", "Id", "ServiceName", "SkuId",
  "SkuPriceId", "SubAccountId", "SubAccountName", "Tags",
] as const;

export type FocusColumn = (typeof FOCUS_COLUMNS)[number];

/**
 * The columns FOCUS 1.0 marks Mandatory. All are present in every generated row;
 * `ChargeClass` is the one that may be null (it is only set on corrections).
 */
export const FOCUS_MANDATORY_COLUMNS = [
  "BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodEnd",
  "BillingPeriodStart", "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargePeriodEnd",
  "ChargePeriodStart", "ContractedCost", "EffectiveCost", "InvoiceIssuerName", "ListCost",
  "PricingQuantity", "PricingUnit", "ProviderName", "PublisherName", "ServiceCategory", "ServiceName",
] as const satisfies readonly FocusColumn[];

/** The unquoted null token of the sample (a quoted `"NULL"` would be the string NULL). */
export const NULL_TOKEN = "NULL";

/** One template row: raw CSV token per column, exactly as it appears in the file. */
export type RawRow = Record<FocusColumn, string>;

/** Quotes a value the way the sample does: always, with inner quotes doubled. */
export function quote(value: string): string {
  return `"${value.replaceAll('"', '""')}"`;
}

/** The value behind a raw token: `null` for the unquoted `NULL` token, otherwise the text. */
export function unquote(token: string): string | null {
  if (token === NULL_TOKEN) return null;
  if (token.startsWith('"')) return token.slice(1, -1).replaceAll('""', '"');
  return token;
}

/**
 * Splits CSV text into records of raw tokens (quotes kept). Quoted fields may hold
 * commas, doubled quotes and line breaks; a trailing newline ends the last record.
 */
export function tokenizeCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    let end: number;
    if (text[i] === '"') {
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) throw new Error(`unterminated quoted field at offset ${i}`);
        if (text[q + 1] === '"') {
          j = q + 2;
          continue;
        }
        end = q + 1;
        break;
      }
    } else {
      end = i;
      while (end < n && text[end] !== "," && text[end] !== "\n" && text[end] !== "\r") end++;
    }
    record.push(text.slice(i, end));
    i = end;
    if (text[i] === ",") {
      i++;
      if (i === n) record.push("");
      continue;
    }
    if (text[i] === "\r") i++;
    if (i < n && text[i] !== "\n") throw new Error(`unexpected character after field at offset ${i}`);
    i++;
    records.push(record);
    record = [];
  }
  if (record.length > 0) records.push(record);
  return records;
}

/**
 * Reads a FOCUS CSV into template rows. Columns are matched by name, so a file with
 * extra or reordered columns works; a column it lacks becomes `NULL`.
 */
export async function readFocusTemplates(path: string): Promise<RawRow[]> {
  const [header, ...records] = tokenizeCsv(await readFile(path, "utf8"));
  if (!header) throw new Error(`${path} is empty`);
  const names = header.map((h) => unquote(h) ?? "");
  const missing = ["BilledCost", "ServiceName", "ProviderName"].filter((c) => !names.includes(c));
  if (missing.length > 0) throw new Error(`${path} does not look like a FOCUS export: no ${missing.join(", ")} column`);
  const at = FOCUS_COLUMNS.map((c) => names.indexOf(c));
  return records
    .filter((r) => r.length === header.length)
    .map((r) => Object.fromEntries(FOCUS_COLUMNS.map((c, k) => [c, at[k]! >= 0 ? r[at[k]!]! : NULL_TOKEN])) as RawRow);
}

interface BuiltinSpec {
  provider: "aws" | "azure" | "gcp";
  service: string;
  category: string;
  region: [id: string, name: string];
  zone: string | null;
  description: string;
  sku: string;
  unit: string;
  price: string;
  resource: string | null;
  resourceType: string | null;
  subAccount: [id: string, name: string];
  tags: Record<string, string> | null;
}

const PROVIDERS = {
  aws: { provider: "AWS", issuer: "Amazon Web Services, Inc.", account: "1234567890123", accountName: "SunBird" },
  azure: { provider: "Microsoft", issuer: "Microsoft", account: "/providers/Microsoft.Billing/billingAccounts/8611537", accountName: "SunBird" },
  gcp: { provider: "Google Cloud", issuer: "Google", account: "01A2B3-C4D5E6-F7A8B9", accountName: "SunBird" },
} as const;

const tags = (application: string, environment: string, businessUnit: string) => ({ application, environment, business_unit: businessUnit });

/** A handful of AWS/Azure/GCP-like line items, used when the real sample is not at hand. */
const BUILTIN: BuiltinSpec[] = [
  { provider: "aws", service: "Amazon Elastic Compute Cloud", category: "Compute", region: ["us-east-1", "US East (N. Virginia)"], zone: "us-east-1a", description: "$0.096 per On Demand Linux m5.large Instance Hour", sku: "8KNB5D4YVCBUDBYW", unit: "Hours", price: "0.096", resource: "i-0a1b2c3d4e5f60718", resourceType: "instance", subAccount: ["11353890204", "Atlas Orion"], tags: tags("Checkout", "prod", "Retail") },
  { provider: "aws", service: "Amazon Elastic Compute Cloud", category: "Compute", region: ["us-west-2", "US West (Oregon)"], zone: "us-west-2b", description: "$0.0464 per On Demand Linux t2.medium Instance Hour", sku: "2ES9C4RF3WGQZAQN", unit: "Hours", price: "0.0464", resource: "i-0b2c3d4e5f6071829", resourceType: "instance", subAccount: ["69918885631", "Odyssey Horizon"], tags: tags("Search", "dev", "Platform") },
  { provider: "aws", service: "Amazon Simple Storage Service", category: "Storage", region: ["us-east-1", "US East (N. Virginia)"], zone: null, description: "$0.023 per GB - first 50 TB / month of storage used", sku: "WP9ANXZGBYYSGJEA", unit: "GB-Mo", price: "0.023", resource: "arn:aws:s3:::sunbird-artifacts", resourceType: "bucket", subAccount: ["11353890204", "Atlas Orion"], tags: tags("Artifacts", "prod", "Platform") },
  { provider: "aws", service: "Amazon Relational Database Service", category: "Databases", region: ["us-east-1", "US East (N. Virginia)"], zone: "us-east-1b", description: "$0.25 per RDS db.r5.large Multi-AZ instance hour", sku: "QPSZ7FVWY5M3KYGE", unit: "Hours", price: "0.25", resource: "arn:aws:rds:us-east-1:853890204113:db:orders", resourceType: "db", subAccount: ["85742851457", "Orion Odyssey"], tags: tags("Orders", "prod", "Retail") },
  { provider: "aws", service: "AWS Lambda", category: "Compute", region: ["us-west-2", "US West (Oregon)"], zone: null, description: "AWS Lambda - Total Requests - US West (Oregon)", sku: "RMKQB7M4F2G6U7BC", unit: "Requests", price: "0.0000002", resource: "arn:aws:lambda:us-west-2:699188856310:function:thumbnailer", resourceType: null, subAccount: ["69918885631", "Odyssey Horizon"], tags: null },
  { provider: "aws", service: "Elastic Load Balancing", category: "Networking", region: ["us-east-1", "US East (N. Virginia)"], zone: null, description: "$0.008 per used Application load balancer capacity unit-hour (or partial hour)", sku: "2ETY8Y426S4237JU", unit: "LCU-Hours", price: "0.008", resource: "arn:aws:elasticloadbalancing:us-east-1:113538902041:loadbalancer/app/web/5f461e4a", resourceType: null, subAccount: ["11353890204", "Atlas Orion"], tags: tags("Checkout", "prod", "Retail") },
  { provider: "azure", service: "Virtual Machines", category: "Compute", region: ["eastus", "East US"], zone: null, description: "D2s v3 - US East", sku: "DZH318Z0BQ4L", unit: "Hours", price: "0.096", resource: "/subscriptions/64e355d7-997c-491d-b0c1-8414dccfcf42/resourcegroups/web/providers/microsoft.compute/virtualmachines/web-01", resourceType: "Virtual machine", subAccount: ["/subscriptions/64e355d7-997c-491d-b0c1-8414dccfcf42", "Orion Pioneer"], tags: tags("Portal", "prod", "Sales") },
  { provider: "azure", service: "Storage Accounts", category: "Storage", region: ["westeurope", "West Europe"], zone: null, description: "Hot LRS Data Stored", sku: "DZH318Z0BNVX", unit: "GB/Month", price: "0.0184", resource: "/subscriptions/64e355d7-997c-491d-b0c1-8414dccfcf42/resourcegroups/data/providers/microsoft.storage/storageaccounts/sunbirddata", resourceType: "Storage account", subAccount: ["/subscriptions/64e355d7-997c-491d-b0c1-8414dccfcf42", "Orion Pioneer"], tags: tags("Reports", "prod", "Finance") },
  { provider: "gcp", service: "Compute Engine", category: "Compute", region: ["us-central1", "Iowa"], zone: "us-central1-a", description: "N2 Instance Core running in Americas", sku: "BB77-5FDA-69D9", unit: "Hours", price: "0.031611", resource: "projects/atlas-prod/zones/us-central1-a/instances/worker-1", resourceType: "instance", subAccount: ["atlas-prod", "Atlas Production"], tags: tags("Pipeline", "prod", "Data") },
  { provider: "gcp", service: "BigQuery", category: "Analytics", region: ["us", "United States"], zone: null, description: "Analysis (on-demand)", sku: "3362-E469-6BEF", unit: "TiB", price: "6.25", resource: null, resourceType: null, subAccount: ["atlas-prod", "Atlas Production"], tags: tags("Pipeline", "prod", "Data") },
  { provider: "gcp", service: "Cloud Storage", category: "Storage", region: ["europe-west1", "Belgium"], zone: null, description: "Standard Storage Belgium", sku: "E5F0-6A5D-7BAD", unit: "GiBy.mo", price: "0.02", resource: "projects/atlas-prod/buckets/atlas-exports", resourceType: "bucket", subAccount: ["atlas-prod", "Atlas Production"], tags: null },
];

/** The built-in template rows, written as the sample writes them. */
export function builtinFocusTemplates(): RawRow[] {
  const q = (v: string | null) => (v === null ? NULL_TOKEN : quote(v));
  return BUILTIN.map((s, i) => {
    const p = PROVIDERS[s.provider];
    return {
      AvailabilityZone: q(s.zone),
      BilledCost: "1.00000000000",
      BillingAccountId: quote(p.account),
      BillingAccountName: quote(p.accountName),
      BillingCurrency: quote("USD"),
      BillingPeriodEnd: quote("2024-10-01 00:00:00"),
      BillingPeriodStart: quote("2024-09-01 00:00:00"),
      ChargeCategory: quote("Usage"),
      ChargeClass: NULL_TOKEN,
      ChargeDescription: quote(s.description),
      ChargeFrequency: quote("Usage-Based"),
      ChargePeriodEnd: quote("2024-09-01 01:00:00"),
      ChargePeriodStart: quote("2024-09-01 00:00:00"),
      CommitmentDiscountCategory: NULL_TOKEN,
      CommitmentDiscountId: NULL_TOKEN,
      CommitmentDiscountName: NULL_TOKEN,
      CommitmentDiscountStatus: NULL_TOKEN,
      CommitmentDiscountType: NULL_TOKEN,
      ConsumedQuantity: "1.000000000000000",
      ConsumedUnit: quote(s.unit),
      ContractedCost: "1.00000000000",
      ContractedUnitPrice: Number(s.price).toFixed(11),
      EffectiveCost: "1.00000000000",
      InvoiceIssuerName: quote(p.issuer),
      ListCost: "1.00000000000",
      ListUnitPrice: quote(s.price),
      PricingCategory: quote("Standard"),
      PricingQuantity: "1.00000000000",
      PricingUnit: quote(s.unit),
      ProviderName: quote(p.provider),
      PublisherName: quote(p.issuer),
      RegionId: quote(s.region[0]),
      RegionName: quote(s.region[1]),
      ResourceId: q(s.resource),
      ResourceName: NULL_TOKEN,
      ResourceType: q(s.resourceType),
      ServiceCategory: quote(s.category),
      Id: String(i + 1),
      ServiceName: quote(s.service),
      SkuId: quote(s.sku),
      SkuPriceId: quote(`${s.sku}.JRTCKXETXF`),
      SubAccountId: quote(s.subAccount[0]),
      SubAccountName: quote(s.subAccount[1]),
      Tags: s.tags === null ? NULL_TOKEN : quote(JSON.stringify(s.tags).replaceAll('":"', '": "').replaceAll('","', '", "')),
    };
  });
}
