import { runtime } from "../runtime";
import { makeRoute } from "./handlers";

const api = async () => (await runtime()).api;

/** WebSocket route handler (`submit-job`); see ./handlers.ts. */
export const handler = makeRoute(api, "submit_job");
