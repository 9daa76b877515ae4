import type { Duplex } from "node:stream";
import { WebSocket, type RawData } from "ws";
import type { ConnectionInfo } from "./events";
import { createFrameGuard, type FrameLimits } from "./frame-guard";
import type { GatewayLogger } from "./types";

/** Why a connection ended, as reported to `$disconnect`. */
export interface CloseInfo {
  code: number;
  reason: string;
}

/** Close codes and reasons observed on AWS (see docs/local-vs-aws.md). */
export const CLOSE = {
  deleted: { code: 1000, reason: "Connection Closed Normally" },
  goingAway: { code: 1001, reason: "Going away" },
  binary: { code: 1003, reason: "Binary frames are not supported" },
  tooBig: { code: 1009, reason: "Message too big" },
  noStatus: { code: 1005, reason: "Client-side close frame status not set" },
} as const satisfies Record<string, CloseInfo>;

export interface ConnectionOptions {
  ws: WebSocket;
  /** The upgraded TCP socket, watched for oversize frames. */
  socket: Duplex;
  info: ConnectionInfo;
  limits: FrameLimits;
  idleTimeoutMs: number;
  maxConnectionMs: number;
  logger: GatewayLogger;
  /** A text message within quota. */
  onMessage(connection: Connection, body: string): void;
  /** Called exactly once, as soon as the connection stops being usable. */
  onEnd(connection: Connection, close: CloseInfo): void;
}

/**
 * One established WebSocket connection: quotas, idle and lifetime timers, and
 * the single place that decides the close code `$disconnect` will see.
 *
 * A server-initiated close ends the connection immediately (it leaves the
 * registry and `$disconnect` runs without waiting for the client's close
 * frame); a client-initiated one ends when `ws` reports the socket closed.
 */
export class Connection {
  readonly info: ConnectionInfo;
  lastActiveAt: number;
  readonly #ws: WebSocket;
  readonly #options: ConnectionOptions;
  readonly #idleTimer: NodeJS.Timeout;
  readonly #lifetimeTimer: NodeJS.Timeout;
  #ended = false;

  constructor(options: ConnectionOptions) {
    this.#options = options;
    this.#ws = options.ws;
    this.info = options.info;
    this.lastActiveAt = Date.now();
    this.#idleTimer = setTimeout(() => this.close(CLOSE.goingAway), options.idleTimeoutMs).unref();
    this.#lifetimeTimer = setTimeout(() => this.close(CLOSE.goingAway), options.maxConnectionMs).unref();

    options.socket.prependListener(
      "data",
      createFrameGuard(options.limits, (violation) => {
        options.logger.warn(
          `[gateway] ${this.id}: inbound ${violation.kind} of ${violation.bytes} bytes exceeds quota; closing with 1009`,
        );
        this.close(CLOSE.tooBig);
      }),
    );
    this.#ws.on("message", (data, isBinary) => this.#receive(data, isBinary));
    this.#ws.on("error", (error) => options.logger.warn(`[gateway] ${this.id}: socket error`, error));
    this.#ws.on("close", (code, reason) => {
      this.#end(code === CLOSE.noStatus.code ? CLOSE.noStatus : { code, reason: reason.toString("utf8") });
    });
  }

  get id(): string {
    return this.info.connectionId;
  }

  /** Open and not being closed: the only state in which @connections may deliver. */
  get isOpen(): boolean {
    return !this.#ended && this.#ws.readyState === WebSocket.OPEN;
  }

  /** Sends a text frame (bytes verbatim). Outbound traffic counts as activity, as on AWS. */
  send(data: string | Buffer): boolean {
    if (!this.isOpen) return false;
    this.#ws.send(data, { binary: false });
    this.#touch();
    return true;
  }

  /** Server-initiated close; `$disconnect` sees exactly this code and reason. */
  close(close: CloseInfo): void {
    if (this.#ended) return;
    this.#ws.close(close.code, close.reason);
    this.#end(close);
  }

  /** Drops the TCP connection without a closing handshake (gateway shutdown). */
  terminate(): void {
    this.#ws.terminate();
  }

  #receive(data: RawData, isBinary: boolean): void {
    if (this.#ended) return;
    if (isBinary) {
      this.close(CLOSE.binary);
      return;
    }
    const body = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    if (body.length > this.#options.limits.maxMessageBytes) {
      this.close(CLOSE.tooBig);
      return;
    }
    this.#touch();
    this.#options.onMessage(this, body.toString("utf8"));
  }

  #touch(): void {
    this.lastActiveAt = Date.now();
    this.#idleTimer.refresh();
  }

  #end(close: CloseInfo): void {
    if (this.#ended) return;
    this.#ended = true;
    clearTimeout(this.#idleTimer);
    clearTimeout(this.#lifetimeTimer);
    this.#options.onEnd(this, close);
  }
}
