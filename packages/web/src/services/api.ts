import { FerryClient } from "@ferry/core/client";
import type { ConnectionSettings } from "./settings";

/**
 * The dashboard's one client of the Ferry API, built from the discovered
 * settings. It does not connect until `connect()`: the provider owns its lifetime.
 */
export function createFerryClient(settings: Pick<ConnectionSettings, "url" | "token">): FerryClient {
  return new FerryClient({
    url: settings.url,
    token: settings.token,
    WebSocket: globalThis.WebSocket,
    autoConnect: false,
  });
}
