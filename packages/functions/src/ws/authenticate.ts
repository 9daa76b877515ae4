import { runtime } from "../runtime";
import { makeRoute } from "./handlers";

const api = async () => (await runtime()).api;

/** WebSocket route handler (`authenticate`); see ./handlers.ts. */
export const handler = makeRoute(api, "authenticate");
