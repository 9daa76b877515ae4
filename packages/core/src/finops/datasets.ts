import { mkdtemp, readdir, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve, sep } from "node:path";
import { NonRetryableJobError } from "../errors";
import type { BlobStore } from "../ports";

/** A dataset ready to read from local disk; `release` removes any copy made for it. */
export interface DatasetFile {
  path: string;
  release(): Promise<void>;
}

/**
 * Where named FOCUS exports live for `finops_analysis {source: {dataset}}`: a folder
 * offline (`FERRY_FOCUS_DIR`), an S3 prefix on AWS. Names are file names, checked
 * before they get here (no `/`, no `..`), and checked again against the root.
 */
export interface DatasetLocator {
  /** The dataset as a local file, or undefined when there is none by that name. */
  locate(name: string, options: { signal?: AbortSignal; tmpDir?: string }): Promise<DatasetFile | undefined>;
  /** The names available, to suggest when a name is wrong (may be empty where listing is not possible). */
  list(): Promise<string[]>;
}

const BILLING_FILE = /\.(csv|csv\.gz|gz|parquet)$/i;
const noop = async () => {};

function inside(root: string, name: string): string {
  const base = resolve(root);
  const path = resolve(base, name);
  if (!path.startsWith(base + sep)) throw new NonRetryableJobError(`dataset ${JSON.stringify(name)} is outside the datasets folder`, "invalid_input");
  return path;
}

/** Datasets as files in one local folder, read in place. */
export function directoryDatasets(dir: string): DatasetLocator {
  return {
    async locate(name) {
      const path = inside(dir, name);
      const info = await stat(path).catch(() => undefined);
      return info?.isFile() ? { path, release: noop } : undefined;
    },
    async list() {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      return entries.filter((e) => e.isFile() && BILLING_FILE.test(e.name)).map((e) => e.name).sort();
    },
  };
}

/**
 * Datasets as objects under a prefix of the object store (the stage's uploads bucket,
 * `datasets/`), streamed to a temp file when asked for. The store cannot list, so a
 * wrong name is answered without suggestions.
 */
export function blobDatasets(blobs: BlobStore, prefix: string): DatasetLocator {
  return {
    async locate(name, options) {
      const key = `${prefix}${name}`;
      if (!(await blobs.head(key))) return undefined;
      const dir = await mkdtemp(join(options.tmpDir ?? tmpdir(), "ferry-dataset-"));
      const release = () => rm(dir, { recursive: true, force: true });
      try {
        const path = join(dir, "billing-export");
        await blobs.download(key, path, { signal: options.signal });
        return { path, release };
      } catch (error) {
        await release();
        throw error;
      }
    },
    list: async () => [],
  };
}
