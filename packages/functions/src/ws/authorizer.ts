import { runtime } from "../runtime";
import { makeAuthorizer } from "./handlers";

const api = async () => (await runtime()).api;

/** WebSocket route handler (`authorizer`); see ./handlers.ts. */
export const handler = makeAuthorizer(api);
