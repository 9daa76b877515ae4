import { runtime } from "../runtime";
import { makeRoute } from "./handlers";

const api = async () => (await runtime()).api;

/** WebSocket route handler (`cancel-job`); see ./handlers.ts. */
export const handler = makeRoute(api, "cancel_job");
