/**
 * The WebSocket API's behaviour, free of API Gateway: authorize, connect,
 * disconnect and one method per action.
 * @module
 */
export * from "./api";
