/**
 * Posts one text frame to one WebSocket connection (API Gateway `@connections`).
 * Throws `ConnectionGoneError` when the connection no longer exists (HTTP 410),
 * so callers can forget it.
 */
export interface Notifier {
  post(connectionId: string, data: string): Promise<void>;
  /** Closes the connection from the server side. */
  disconnect(connectionId: string): Promise<void>;
}
