import { runtime } from "../runtime";
import { makeRoute } from "./handlers";

const api = async () => (await runtime()).api;

/** WebSocket route handler (`request-upload`); see ./handlers.ts. */
export const handler = makeRoute(api, "request_upload");
