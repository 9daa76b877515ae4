import { GatewayConfigError } from "./errors";

/**
 * Route selection as API Gateway does it for WebSocket messages.
 *
 * The expression language is the documented subset that applies to message
 * bodies: `$request.body.a.b`, the braced form `${request.body.a.b}`, literal
 * text between variables (`${request.body.service}/${request.body.action}`) and
 * `\$` for a literal dollar. Results are compared with route keys exactly
 * (case-sensitive); a missing path evaluates to `""`; a non-JSON body cannot be
 * evaluated at all and goes to `$default`.
 */

type Part = { kind: "literal"; text: string } | { kind: "body"; path: string[] };

export interface SelectionExpression {
  readonly source: string;
  readonly parts: readonly Part[];
}

const BODY_PREFIX = "request.body";
const SEGMENT = /^[A-Za-z0-9_]+/;
/** Routes API Gateway invokes itself; a message can never select them. */
const LIFECYCLE_ROUTES = new Set(["$connect", "$disconnect"]);

/**
 * Parses a route selection expression once, at start-up.
 *
 * @throws {GatewayConfigError} for variables other than `request.body…`, or an unclosed `${`.
 */
export function compileSelectionExpression(source: string): SelectionExpression {
  const parts: Part[] = [];
  let literal = "";
  let i = 0;
  const flush = () => {
    if (literal) parts.push({ kind: "literal", text: literal });
    literal = "";
  };
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === "\\" && source[i + 1] === "$") {
      literal += "$";
      i += 2;
    } else if (ch === "$" && source[i + 1] === "{") {
      const end = source.indexOf("}", i + 2);
      if (end === -1) throw new GatewayConfigError(`unclosed "\${" in route selection expression "${source}"`);
      flush();
      parts.push({ kind: "body", path: bodyPath(source.slice(i + 2, end), source) });
      i = end + 1;
    } else if (ch === "$") {
      let j = i + 1;
      let name = "";
      for (;;) {
        const segment = SEGMENT.exec(source.slice(j))?.[0];
        if (!segment) break;
        name += segment;
        j += segment.length;
        if (source[j] !== "." || !SEGMENT.test(source.slice(j + 1))) break;
        name += ".";
        j += 1;
      }
      flush();
      parts.push({ kind: "body", path: bodyPath(name, source) });
      i = j;
    } else {
      literal += ch;
      i += 1;
    }
  }
  flush();
  return { source, parts };
}

function bodyPath(variable: string, source: string): string[] {
  if (variable === BODY_PREFIX) return [];
  if (!variable.startsWith(`${BODY_PREFIX}.`)) {
    throw new GatewayConfigError(
      `route selection expression "${source}": only $request.body.* variables apply to WebSocket messages, got "$${variable}"`,
    );
  }
  return variable.slice(BODY_PREFIX.length + 1).split(".");
}

/**
 * Evaluates the expression against a message body.
 *
 * @returns the route key candidate, or `undefined` when the body is not JSON.
 */
export function evaluateSelectionExpression(expression: SelectionExpression, body: string): string | undefined {
  if (expression.parts.every((part) => part.kind === "literal")) {
    return expression.parts.map((part) => (part.kind === "literal" ? part.text : "")).join("");
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return undefined;
  }
  return expression.parts
    .map((part) => (part.kind === "literal" ? part.text : stringify(lookup(json, part.path))))
    .join("");
}

/**
 * Picks the route for a message: an exact key match, else `$default`, else
 * `undefined` (the caller answers with a `Forbidden` frame).
 */
export function selectRoute(
  expression: SelectionExpression,
  body: string,
  routes: { has(key: string): boolean },
): string | undefined {
  const key = evaluateSelectionExpression(expression, body);
  if (key !== undefined && !LIFECYCLE_ROUTES.has(key) && routes.has(key)) return key;
  return routes.has("$default") ? "$default" : undefined;
}

function lookup(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const segment of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = Object.hasOwn(current, segment) ? (current as Record<string, unknown>)[segment] : undefined;
  }
  return current;
}

/**
 * Scalars become their text; arrays and objects are stringified the way the
 * gateway's Java JSONPath does (`"[item1, item2]"`, documented for arrays;
 * `{k=v}` for objects is inferred from the same toString convention).
 */
function stringify(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (Array.isArray(value)) return `[${value.map(stringifyNested).join(", ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    return `{${entries.map(([k, v]) => `${k}=${stringifyNested(v)}`).join(", ")}}`;
  }
  return String(value);
}

function stringifyNested(value: unknown): string {
  return value === null ? "null" : stringify(value);
}
