/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** WebSocket API URL (`wss://…`), set by infra/web.ts on the deployed StaticSite; wins over `VITE_WS_URL`. */
  readonly VITE_FERRY_WS_URL?: string;
  /** WebSocket API URL (`wss://…` on AWS, set by infra/web.ts; `ws://127.0.0.1:…/local` offline). */
  readonly VITE_WS_URL?: string;
  /** A bearer token to connect with; only dev stages set one. */
  readonly VITE_DEV_TOKEN?: string;
}

interface ImportMeta {
  readonly env: ImportMetaEnv;
}
