import type { IncomingMessage } from "node:http";
import { newTraceId } from "./ids";
import type { WebSocketIdentity } from "./types";

/** The parts of an upgrade request that end up in `$connect` and authorizer events. */
export interface HandshakeRequest {
  pathname: string;
  /** Last value per header, names in the client's casing (as on AWS). */
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  /** Absent when the URL has no query string, as on AWS. */
  queryStringParameters?: Record<string, string>;
  multiValueQueryStringParameters?: Record<string, string[]>;
  identity: WebSocketIdentity;
}

/**
 * Reads an upgrade request the way API Gateway presents it to integrations:
 * header names keep their original case, and the edge adds the `X-Amzn-Trace-Id`
 * and `X-Forwarded-*` headers a handler may rely on.
 */
export function readHandshake(req: IncomingMessage): HandshakeRequest {
  const url = new URL(req.url ?? "/", "http://localhost");
  const sourceIp = clientIp(req);
  const multiValueHeaders = multiValue(pairs(req.rawHeaders));
  const add = (name: string, value: string) => {
    if (!findHeader(multiValueHeaders, name)) multiValueHeaders[name] = [value];
  };
  const forwardedFor = findHeader(multiValueHeaders, "x-forwarded-for");
  if (forwardedFor) multiValueHeaders[forwardedFor.name] = [`${forwardedFor.values.join(", ")}, ${sourceIp}`];
  add("X-Amzn-Trace-Id", newTraceId());
  add("X-Forwarded-For", sourceIp);
  add("X-Forwarded-Port", String(req.socket.localPort ?? ""));
  add("X-Forwarded-Proto", "http");

  const query = multiValue([...url.searchParams.entries()], false);
  const userAgent = findHeader(multiValueHeaders, "user-agent")?.values.at(-1);
  return {
    pathname: url.pathname,
    headers: lastValues(multiValueHeaders),
    multiValueHeaders,
    ...(Object.keys(query).length > 0 && {
      queryStringParameters: lastValues(query),
      multiValueQueryStringParameters: query,
    }),
    identity: userAgent === undefined ? { sourceIp } : { sourceIp, userAgent },
  };
}

/** Case-insensitive header lookup over an event-style header map. */
export function findHeader(
  headers: Record<string, string[]>,
  name: string,
): { name: string; values: string[] } | undefined {
  const wanted = name.toLowerCase();
  for (const [key, values] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return { name: key, values };
  }
  return undefined;
}

/** The TCP peer, without the IPv4-mapped IPv6 prefix Node reports on dual-stack sockets. */
export function clientIp(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? "127.0.0.1";
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}

function pairs(raw: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

function multiValue(entries: [string, string][], caseInsensitive = true): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const names = new Map<string, string>();
  for (const [name, value] of entries) {
    const id = caseInsensitive ? name.toLowerCase() : name;
    const key = names.get(id) ?? name;
    names.set(id, key);
    (out[key] ??= []).push(value);
  }
  return out;
}

function lastValues(multi: Record<string, string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, values] of Object.entries(multi)) out[key] = values.at(-1) ?? "";
  return out;
}
