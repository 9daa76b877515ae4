/** A live WebSocket connection and the user it authenticated as. */
export interface ConnectionRecord {
  connectionId: string;
  userId: string;
  connectedAt: number;
  /** Epoch seconds; API Gateway closes every connection within 2 h, so records expire soon after. */
  expiresAt: number;
}

/**
 * connectionId ↔ userId. Events of a job go to every live connection of its owner,
 * so the hot path is `listByUser`.
 *
 * @remarks `$disconnect` is best-effort on AWS; stale records are removed when
 * `@connections` answers 410 and expire by TTL otherwise.
 */
export interface ConnectionStore {
  put(connection: ConnectionRecord): Promise<void>;
  get(connectionId: string): Promise<ConnectionRecord | undefined>;
  delete(connectionId: string): Promise<void>;
  /** Connection ids of the user that have not expired. */
  listByUser(userId: string): Promise<string[]>;
}
