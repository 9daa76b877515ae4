import { runtime } from "../runtime";
import { makeRoute } from "./handlers";

const api = async () => (await runtime()).api;

/** WebSocket route handler (`list-documents`); see ./handlers.ts. */
export const handler = makeRoute(api, "list_documents");
