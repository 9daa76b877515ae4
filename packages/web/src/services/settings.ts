/** Where the dashboard connects and with which token, and how it found out. */
export interface ConnectionSettings {
  url: string;
  token: string;
  /** `saved`: pasted in the form this session; `env`: `VITE_*` build variables; `outputs`: the local stack's `/outputs.json`. */
  source: "saved" | "env" | "outputs";
}

/** What discovery knows when it found no complete settings: enough to prefill the form. */
export interface PartialSettings {
  url?: string;
  token?: string;
}

export interface DiscoveryDeps {
  env: { VITE_FERRY_WS_URL?: string; VITE_WS_URL?: string; VITE_DEV_TOKEN?: string };
  fetch: (url: string) => Promise<{ ok: boolean; json(): Promise<unknown> }>;
  storage: Pick<Storage, "getItem" | "setItem" | "removeItem"> | undefined;
}

const STORAGE_KEY = "ferry.connection";

/** True for `ws:` and `wss:` URLs. */
export function isWebSocketUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === "ws:" || protocol === "wss:";
  } catch {
    return false;
  }
}

/** Reads the local stack's `outputs.json` (`websocketUrl`, `devToken`); undefined when unusable. */
export function parseOutputs(value: unknown): { url: string; token: string } | undefined {
  if (!value || typeof value !== "object") return undefined;
  const { websocketUrl, devToken } = value as Record<string, unknown>;
  if (typeof websocketUrl !== "string" || !isWebSocketUrl(websocketUrl)) return undefined;
  if (typeof devToken !== "string" || devToken.trim() === "") return undefined;
  return { url: websocketUrl, token: devToken.trim() };
}

function readSaved(storage: DiscoveryDeps["storage"]): { url: string; token: string } | undefined {
  try {
    const raw = storage?.getItem(STORAGE_KEY);
    if (!raw) return undefined;
    const { url, token } = JSON.parse(raw) as Record<string, unknown>;
    if (typeof url === "string" && isWebSocketUrl(url) && typeof token === "string" && token) return { url, token };
  } catch {
    // unreadable: ignore, the other sources follow
  }
  return undefined;
}

/** The API URL the build configured: `VITE_FERRY_WS_URL`, else the older `VITE_WS_URL`; undefined when neither is a ws(s) URL. */
export function configuredUrl(env: DiscoveryDeps["env"]): string | undefined {
  return [env.VITE_FERRY_WS_URL, env.VITE_WS_URL].map((u) => u?.trim()).find((u): u is string => !!u && isWebSocketUrl(u));
}

/**
 * Finds the API, first match wins:
 * 1. what the user pasted this session (`sessionStorage`);
 * 2. the build variables: `VITE_FERRY_WS_URL` (what the deployed site gets; the
 *    older `VITE_WS_URL` is read too) with `VITE_DEV_TOKEN`;
 * 3. `/outputs.json`, served by the offline stack's dev server with a dev token,
 *    unless a build URL names another API (its dev token would not be valid there);
 * 4. nothing complete: `partial` prefills the form, which then only needs a token
 *    when the build gave the URL (on AWS there is no `/outputs.json`).
 */
export async function discoverSettings(
  deps: DiscoveryDeps,
): Promise<{ settings: ConnectionSettings } | { settings: undefined; partial: PartialSettings }> {
  const saved = readSaved(deps.storage);
  if (saved) return { settings: { ...saved, source: "saved" } };

  const envUrl = configuredUrl(deps.env);
  const envToken = deps.env.VITE_DEV_TOKEN?.trim() || undefined;
  if (envUrl && envToken) return { settings: { url: envUrl, token: envToken, source: "env" } };

  try {
    const response = await deps.fetch("/outputs.json");
    const outputs = response.ok ? parseOutputs(await response.json()) : undefined;
    if (outputs && (!envUrl || sameUrl(outputs.url, envUrl))) return { settings: { ...outputs, source: "outputs" } };
  } catch {
    // no local stack behind this server (a static site answers with its index page, which is not JSON)
  }
  return { settings: undefined, partial: { url: envUrl, token: envToken } };
}

function sameUrl(a: string, b: string): boolean {
  return a.replace(/\/+$/, "") === b.replace(/\/+$/, "");
}

/** Remembers settings typed into the form for this browser session (not across sessions: it holds a token). */
export function saveSettings(storage: DiscoveryDeps["storage"], settings: { url: string; token: string }): void {
  storage?.setItem(STORAGE_KEY, JSON.stringify({ url: settings.url, token: settings.token }));
}

export function forgetSettings(storage: DiscoveryDeps["storage"]): void {
  storage?.removeItem(STORAGE_KEY);
}

/** The real dependencies: Vite's env, `fetch` and `sessionStorage` (when the browser allows it). */
export function browserDeps(): DiscoveryDeps {
  let storage: Storage | undefined;
  try {
    storage = globalThis.sessionStorage;
  } catch {
    storage = undefined; // blocked by privacy settings
  }
  return {
    env: import.meta.env,
    fetch: (url) => fetch(url, { cache: "no-store", headers: { accept: "application/json" } }),
    storage,
  };
}
