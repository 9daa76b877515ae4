import { describe, expect, it } from "vitest";
import { discoverSettings, forgetSettings, parseOutputs, saveSettings, type DiscoveryDeps } from "./settings";

function memoryStorage(): NonNullable<DiscoveryDeps["storage"]> {
  const map = new Map<string, string>();
  return {
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}

const outputs = { websocketUrl: "ws://127.0.0.1:4000/local", devToken: "tok", redisUrl: "redis://x" };
const serving = (body: unknown, ok = true): DiscoveryDeps["fetch"] => async () => ({ ok, json: async () => body });
const offline: DiscoveryDeps["fetch"] = async () => {
  throw new TypeError("fetch failed");
};

describe("settings discovery", () => {
  it("reads outputs.json", () => {
    expect(parseOutputs(outputs)).toEqual({ url: "ws://127.0.0.1:4000/local", token: "tok" });
    expect(parseOutputs({ ...outputs, websocketUrl: "http://x" })).toBeUndefined();
    expect(parseOutputs({ websocketUrl: outputs.websocketUrl })).toBeUndefined();
    expect(parseOutputs("nope")).toBeUndefined();
  });

  it("prefers the build variables over outputs.json", async () => {
    const found = await discoverSettings({
      env: { VITE_WS_URL: "wss://api.example.com/prod", VITE_DEV_TOKEN: "t" },
      fetch: serving(outputs),
      storage: memoryStorage(),
    });
    expect(found.settings).toEqual({ url: "wss://api.example.com/prod", token: "t", source: "env" });
  });

  it("falls back to outputs.json, then to a prefilled form", async () => {
    const fromOutputs = await discoverSettings({ env: {}, fetch: serving(outputs), storage: undefined });
    expect(fromOutputs.settings).toMatchObject({ source: "outputs", token: "tok" });

    const none = await discoverSettings({ env: { VITE_WS_URL: "wss://api.example.com/prod" }, fetch: offline, storage: undefined });
    expect(none).toEqual({ settings: undefined, partial: { url: "wss://api.example.com/prod", token: undefined } });

    const notFound = await discoverSettings({ env: {}, fetch: serving({}, false), storage: undefined });
    expect(notFound.settings).toBeUndefined();
  });

  it("prefers VITE_FERRY_WS_URL, as the deployed site sets it, over VITE_WS_URL", async () => {
    const found = await discoverSettings({
      env: { VITE_FERRY_WS_URL: " wss://new.example.com/prod ", VITE_WS_URL: "wss://old.example.com/prod", VITE_DEV_TOKEN: "t" },
      fetch: offline,
      storage: undefined,
    });
    expect(found.settings).toEqual({ url: "wss://new.example.com/prod", token: "t", source: "env" });
  });

  it("on AWS (a URL, no token, no outputs.json) asks only for a token, and keeps it for the session", async () => {
    const storage = memoryStorage();
    const env = { VITE_FERRY_WS_URL: "wss://api.example.com/prod" };
    // A static site answers /outputs.json with its index page.
    const html: DiscoveryDeps["fetch"] = async () => ({ ok: true, json: async () => JSON.parse("<!doctype html>") });
    const first = await discoverSettings({ env, fetch: html, storage });
    expect(first).toEqual({ settings: undefined, partial: { url: "wss://api.example.com/prod", token: undefined } });
    saveSettings(storage, { url: "wss://api.example.com/prod", token: "jwt" });
    expect((await discoverSettings({ env, fetch: html, storage })).settings).toEqual({ url: "wss://api.example.com/prod", token: "jwt", source: "saved" });
  });

  it("uses outputs.json's dev token only for the API the build names, if it names one", async () => {
    const local = await discoverSettings({ env: { VITE_FERRY_WS_URL: "ws://127.0.0.1:4000/local/" }, fetch: serving(outputs), storage: undefined });
    expect(local.settings).toEqual({ url: "ws://127.0.0.1:4000/local", token: "tok", source: "outputs" });
    const other = await discoverSettings({ env: { VITE_FERRY_WS_URL: "wss://api.example.com/dev" }, fetch: serving(outputs), storage: undefined });
    expect(other).toEqual({ settings: undefined, partial: { url: "wss://api.example.com/dev", token: undefined } });
  });

  it("uses what the user pasted this session first, until forgotten", async () => {
    const storage = memoryStorage();
    saveSettings(storage, { url: "ws://10.0.0.1:9/x", token: "mine" });
    const deps = { env: { VITE_WS_URL: "wss://a/b", VITE_DEV_TOKEN: "t" }, fetch: serving(outputs), storage };
    expect((await discoverSettings(deps)).settings).toEqual({ url: "ws://10.0.0.1:9/x", token: "mine", source: "saved" });
    forgetSettings(storage);
    expect((await discoverSettings(deps)).settings?.source).toBe("env");
  });
});
