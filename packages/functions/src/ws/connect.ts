import { runtime } from "../runtime";
import { makeConnect } from "./handlers";

const api = async () => (await runtime()).api;

/** WebSocket route handler (`connect`); see ./handlers.ts. */
export const handler = makeConnect(api);
