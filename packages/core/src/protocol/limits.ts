/**
 * Hard limits of the wire, taken from API Gateway WebSocket quotas so that the
 * offline stack refuses exactly what AWS would refuse.
 */
export const Limits = {
  /** Largest message API Gateway accepts or delivers (client frames and `@connections` posts). */
  maxMessageBytes: 128 * 1024,
  /** Largest single WebSocket frame API Gateway accepts from a client. */
  maxFrameBytes: 32 * 1024,
  /** API Gateway closes a connection after this long without traffic. */
  idleTimeoutMs: 10 * 60 * 1000,
  /** API Gateway closes every connection after this long, whatever it does. */
  maxConnectionMs: 2 * 60 * 60 * 1000,
  /** Lambda integrations behind API Gateway time out after 29 s. */
  integrationTimeoutMs: 29_000,
  /** Results above this size go out as `resultUrl` instead of inline (room left for the envelope). */
  maxInlineResultBytes: 100 * 1024,
  /** Largest `list_jobs` page. */
  maxListLimit: 100,
} as const;
