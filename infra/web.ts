/**
 * The dashboard: the Vite app in `packages/web` as a static site on CloudFront.
 * Under `sst dev` it is not deployed; SST runs `npm run dev` (the Vite dev
 * server) with the same `environment`.
 *
 * The browser gets no `Resource`; it reads `import.meta.env.VITE_FERRY_WS_URL`
 * (the `wss://…` URL of `Ws`; see `packages/web/src/services/settings.ts`) and
 * asks the user for a token.
 *
 * @module
 */
import { ws } from "./realtime";
import { allowBrowserUploads } from "./storage";

export const web = new sst.aws.StaticSite("Web", {
  path: "packages/web",
  build: { command: "npm run build", output: "dist" },
  environment: { VITE_FERRY_WS_URL: ws.url },
  // SST writes ImportMetaEnv typings for `environment`; by default into src/,
  // where they would clash with the app's own optional declarations in
  // src/vite-env.d.ts and fail the repo's type-check.
  vite: { types: "sst-env.d.ts" },
});

// Under `sst dev` the site's URL is a placeholder and the dashboard runs on a
// local Vite port, so dev stages accept uploads from any origin; presigned URLs
// still gate every PUT.
allowBrowserUploads($dev ? ["*"] : [web.url]);
