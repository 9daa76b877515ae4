/**
 * What the Lambda bundles leave out. esbuild bundles each function's handler with
 * everything it imports, so a package one worker loads lazily would still land in every
 * bundle, and a native addon cannot be bundled at all. These packages are external
 * everywhere; the one function that needs each installs it into its own `node_modules`
 * (SST runs `npm install --os=linux --cpu=arm64` for it), and the code imports them
 * lazily, so a function without them never tries.
 *
 * @module
 */

/** pdf.js (9 MB, finds its CMaps and fonts on disk) for the ingest worker; DuckDB (native) for the analysis worker. */
export const UNBUNDLED_PACKAGES = ["pdfjs-dist", "@duckdb/node-api"] as const;
export type UnbundledPackage = (typeof UNBUNDLED_PACKAGES)[number];

/**
 * A function's `nodejs` bundling options: every unbundled package external, and `install`
 * at the versions core pins (`versions`: core's package.json dependencies).
 */
export function nodejsBundling(versions: Record<string, string>, install: UnbundledPackage[] = []) {
  const pinned = install.map((name) => {
    const version = versions[name];
    if (!version) throw new Error(`${name} is not a dependency of @ferry/core; pin it there before installing it into a function`);
    return [name, version] as const;
  });
  return {
    esbuild: { external: [...UNBUNDLED_PACKAGES] },
    ...(pinned.length ? { install: Object.fromEntries(pinned) } : {}),
  };
}
