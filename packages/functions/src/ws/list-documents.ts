import { runtime } from "../runtime";
import { makeRoute } from "./handlers";

const api = () => runtime().api;

/** WebSocket route handler (`list-documents`); see ./handlers.ts. */
export const handler = makeRoute(api, "list_documents");
