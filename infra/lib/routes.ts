/**
 * The WebSocket API's route keys, in one pure module.
 *
 * API Gateway selects a route on `$request.body.action`; a frame whose action
 * has no route lands on `$default`. Every action of the wire protocol gets its
 * own route (so API Gateway logs and metrics are per action), and all of them
 * reach the same Lambda, which dispatches on `body.action` again.
 *
 * @module
 */

/** One route per client action (docs/protocol.md). */
export const WS_ACTIONS = [
  "authenticate",
  "submit_job",
  "subscribe",
  "list_jobs",
  "cancel_job",
  "ping",
  "request_upload",
  "list_documents",
  "delete_document",
] as const;
export type WsAction = (typeof WS_ACTIONS)[number];

/** A stable logical name for an action's route (`submit_job` → `SubmitJob`). */
export function routeName(action: string): string {
  return action
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + part.slice(1))
    .join("");
}
