/**
 * `npm start`: the whole offline stack and the dashboard, until Ctrl-C.
 * @module
 */
import { relative } from "node:path";
import { seedSampleDataset } from "../sample-dataset";
import { startStack } from "../stack";

const port = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const stack = await startStack({
  gatewayPort: port("FERRY_WS_PORT", 0),
  webPort: port("FERRY_WEB_PORT", 0),
  workers: port("FERRY_WORKERS", 1),
  logLevel: "info",
  onLog: (source, line) => console.log(`[${source}] ${line}`),
});
const o = stack.outputs;
const seeded = await seedSampleDataset(o.datasetsDir);
const datasetsShown = relative(process.cwd(), o.datasetsDir) || o.datasetsDir;
console.log(`
Ferry is running offline.

  Dashboard        ${o.dashboardUrl}
  WebSocket API    ${o.websocketUrl}?token=<jwt>
  @connections     ${o.connectionsUrl}
  Redis            ${o.redisUrl}
  S3 (uploads)     ${o.s3Url}
  S3 Vectors       ${o.s3VectorsUrl}
  Outputs          .local/outputs.json
  Billing datasets ${datasetsShown}${seeded ? ` (wrote a 12-month synthetic FOCUS sample, ${relative(o.datasetsDir, seeded)}:\n                   FinOps tab → Configured dataset)` : ""}

  Dev token (user "dev"; more with \`${o.tokenCommand}\`):
  ${o.devToken}

Press Ctrl-C to stop.
`);

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  console.log("\nStopping…");
  await stack.stop();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
