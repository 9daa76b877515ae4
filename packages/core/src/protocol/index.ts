/**
 * The wire contract between browsers and Ferry: every client action and server
 * event, as zod schemas. The dashboard, the handlers and the docs all derive from here.
 * @module
 */
export * from "./actions";
export * from "./events";
export * from "./limits";
export * from "./results";
