import { runtime } from "../runtime";
import { makeDisconnect } from "./handlers";

const api = async () => (await runtime()).api;

/** WebSocket route handler (`disconnect`); see ./handlers.ts. */
export const handler = makeDisconnect(api);
