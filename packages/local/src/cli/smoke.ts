/**
 * `npm run smoke -- --url <wss url> --token <jwt>`: runs a canary job against any
 * stage and prints each event with its latency; exits 1 if the job does not
 * complete. Without `--url`/`--token` it targets the stack `npm start` runs.
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { localDir } from "../paths";
import { runSmoke } from "../smoke/smoke";

const { values } = parseArgs({
  options: {
    url: { type: "string" },
    token: { type: "string" },
    steps: { type: "string", default: "5" },
    "step-ms": { type: "string", default: "200" },
    timeout: { type: "string", default: "60" },
    /** Make the canary fail its first N attempts: checks that failures reach the client. */
    "fail-attempts": { type: "string", default: "0" },
  },
});

let { url, token } = values;
const outputsFile = join(localDir(), "outputs.json");
if ((!url || !token) && existsSync(outputsFile)) {
  const outputs = JSON.parse(readFileSync(outputsFile, "utf8")) as { websocketUrl?: string; devToken?: string };
  url ??= outputs.websocketUrl;
  token ??= outputs.devToken;
  console.log(`using the offline stack from ${outputsFile}`);
}
if (!url || !token) {
  console.error("usage: npm run smoke -- --url <wss url> --token <jwt>   (or start the offline stack with npm start first)");
  process.exit(2);
}

const result = await runSmoke({
  url,
  token,
  steps: Number(values.steps),
  stepMs: Number(values["step-ms"]),
  failAttempts: Number(values["fail-attempts"]),
  timeoutMs: Number(values.timeout) * 1000,
  print: (line) => console.log(line),
});
if (result.ok) {
  console.log(`smoke passed: job ${result.jobId} completed in ${result.events.at(-1)?.ms} ms with ${result.events.length} events`);
} else {
  console.error(`smoke FAILED: ${result.error}`);
}
process.exit(result.ok ? 0 : 1);
