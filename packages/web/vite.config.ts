import { readFile } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig, type Plugin } from "vite";

/**
 * Serves the offline stack's outputs at `/outputs.json` so the dashboard finds
 * the WebSocket URL and a dev token on its own. The file is re-read on every
 * request because the stack writes it after this server has started. Only the
 * two fields the dashboard needs are exposed.
 */
function ferryOutputs(file: string): Plugin {
  const handler = async (_req: IncomingMessage, res: ServerResponse) => {
    res.setHeader("Cache-Control", "no-store");
    try {
      const outputs = JSON.parse(await readFile(file, "utf8")) as Record<string, unknown>;
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify({ websocketUrl: outputs.websocketUrl, devToken: outputs.devToken, stage: outputs.stage }));
    } catch {
      res.statusCode = 404;
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify({ error: `no outputs at ${file}; start the offline stack with npm start` }));
    }
  };
  return {
    name: "ferry-outputs-json",
    configureServer(server) {
      server.middlewares.use("/outputs.json", (req, res) => void handler(req, res));
    },
    configurePreviewServer(server) {
      server.middlewares.use("/outputs.json", (req, res) => void handler(req, res));
    },
  };
}

const outputsFile = process.env.FERRY_OUTPUTS_FILE ?? fileURLToPath(new URL("../../.local/outputs.json", import.meta.url));
// `--port` on the command line still wins over this.
const port = Number(process.env.PORT) || 5173;

export default defineConfig({
  plugins: [react(), ferryOutputs(outputsFile)],
  server: { host: "127.0.0.1", port },
  preview: { host: "127.0.0.1", port },
  build: { sourcemap: true },
});
