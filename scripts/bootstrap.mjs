#!/usr/bin/env node
// The only entry point a newcomer needs: `npm start` and `npm test` come here.
// Plain Node, no dependencies: it installs what is missing (pnpm packages from the
// npm registry, redis-server from Debian's apt when root), then runs the command.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const PNPM = "pnpm@10.34.8";
const say = (line) => console.error(`[ferry] ${line}`);

function checkNode() {
  const [major, minor] = process.versions.node.split(".").map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    say(`Node ${process.versions.node} is too old; Ferry needs Node 20.19 or newer (22+ recommended).`);
    say("Without installing anything you can run it with: npx node@22 scripts/bootstrap.mjs " + process.argv.slice(2).join(" "));
    process.exit(1);
  }
  if (major < 22) {
    // The SDK would print a multi-line warning from every process; say it once, here.
    process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
    say(`Node ${process.versions.node} is past its end of life; Ferry pins AWS SDK releases that still run on it. Node 22+ is recommended.`);
  }
}

function installDependencies() {
  const marker = join(root, "node_modules", ".modules.yaml");
  const lock = join(root, "pnpm-lock.yaml");
  const fresh = existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs;
  if (fresh) return;
  say("installing dependencies with pnpm (from the npm registry)…");
  const r = spawnSync("npx", ["--yes", PNPM, "install", "--frozen-lockfile", "--reporter=append-only"], { cwd: root, stdio: "inherit" });
  if (r.status !== 0) {
    say("dependency install failed; see the output above");
    process.exit(r.status ?? 1);
  }
}

function hasRedis() {
  return spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
}

/** Installs a Debian package when we are root; returns false when we cannot. */
function aptInstall(pkg) {
  if (process.getuid?.() !== 0) return false;
  say(`installing ${pkg} from Debian's packages…`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const args = ["install", "-y", "-qq", "--no-install-recommends", pkg];
  if (spawnSync("apt-get", args, { stdio: "inherit", env }).status !== 0) {
    // A fresh machine has no package lists yet.
    spawnSync("apt-get", ["update", "-qq"], { stdio: "inherit", env });
    if (spawnSync("apt-get", args, { stdio: "inherit", env }).status !== 0) return false;
  }
  return true;
}

function ensureRedis() {
  if (hasRedis()) return;
  if (!aptInstall("redis-server")) {
    say("redis-server is missing and could not be installed: run `sudo apt-get install -y redis-server`, then try again.");
    process.exit(1);
  }
  // Debian may start a system-wide server on 6379; Ferry runs its own private ones.
  spawnSync("service", ["redis-server", "stop"], { stdio: "ignore" });
}

/** The dashboard's browser test drives Debian's chromium; without it that test is skipped, loudly. */
function ensureChromium() {
  if (existsSync(process.env.FERRY_CHROMIUM ?? "/usr/bin/chromium")) return;
  if (!aptInstall("chromium")) say("chromium is missing and could not be installed: the dashboard browser test will be skipped.");
}

const bin = (name) => join(root, "node_modules", ".bin", name);

function run(cmd, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: "inherit", ...options });
    const forward = (signal) => child.kill(signal);
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const tsx = (script, args = []) => run(process.execPath, ["--import", "tsx", join(root, script), ...args]);

async function test(args) {
  say("type-checking…");
  let code = await run(bin("tsc"), ["-p", "tsconfig.json", "--noEmit"]);
  if (code !== 0) return code;

  // sst.config.ts and infra/ type-check against the SST platform types, which
  // `sst install` writes to .sst/platform without touching AWS. Reinstall when
  // they are missing, the sst package moved, or sst.config.ts changed (its
  // `providers` decide what gets installed); otherwise this is just tsc.
  const platform = join(root, ".sst", "platform");
  const sstVersion = JSON.parse(readFileSync(join(root, "node_modules", "sst", "package.json"), "utf8")).version;
  const installedVersion = existsSync(join(platform, "version")) ? readFileSync(join(platform, "version"), "utf8").trim() : undefined;
  const lock = join(root, ".sst", "provider-lock.json");
  const stale =
    !existsSync(join(platform, "config.d.ts")) ||
    installedVersion !== sstVersion ||
    !existsSync(lock) ||
    statSync(join(root, "sst.config.ts")).mtimeMs > statSync(lock).mtimeMs;
  if (stale) {
    say(`installing the SST ${sstVersion} platform types into .sst/ (no AWS access needed; about a minute the first time)…`);
    const env = { ...process.env, SST_SKIP_DEPENDENCY_CHECK: "1", SST_NO_BUN: "1", SST_TELEMETRY_DISABLED: "1" };
    code = await run(bin("sst"), ["install", "--stage", "ci"], { env });
    if (code !== 0) {
      say("`sst install` failed; see the output above");
      return code;
    }
  }
  say("type-checking sst.config.ts and infra/ against SST's types…");
  code = await run(bin("tsc"), ["-p", "tsconfig.sst.json"]);
  if (code !== 0) return code;

  mkdirSync(join(root, ".local"), { recursive: true });
  const report = join(root, ".local", "vitest-report.json");
  code = await run(bin("vitest"), ["run", "--reporter=default", "--reporter=json", `--outputFile.json=${report}`, ...args]);
  if (existsSync(report)) {
    const r = JSON.parse(readFileSync(report, "utf8"));
    const skipped = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    console.log(`\ntests: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${skipped} skipped`);
  }
  return code;
}

const [command = "start", ...rest] = process.argv.slice(2);
checkNode();
installDependencies();
let exitCode = 0;
switch (command) {
  case "start":
    ensureRedis();
    exitCode = await tsx("packages/local/src/cli/start.ts", rest);
    break;
  case "test":
    ensureRedis();
    ensureChromium();
    exitCode = await test(rest);
    break;
  case "token":
    exitCode = await tsx("packages/local/src/cli/token.ts", rest);
    break;
  case "smoke":
    exitCode = await tsx("packages/local/src/cli/smoke.ts", rest);
    break;
  case "bench":
    ensureRedis();
    exitCode = await tsx(`bench/${rest[0]}/main.ts`, rest.slice(1));
    break;
  case "eval":
    ensureRedis();
    exitCode = await tsx(`bench/eval-${rest[0]}/main.ts`, rest.slice(1));
    break;
  case "gen":
    exitCode = await tsx(`bench/gen-${rest[0]}/main.ts`, rest.slice(1));
    break;
  default:
    say(`unknown command ${command}; use start, test, token, smoke, bench <name>, eval <name> or gen <name>`);
    exitCode = 1;
}
process.exit(exitCode);
