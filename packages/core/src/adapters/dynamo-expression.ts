/**
 * Builds DynamoDB expressions with a placeholder for every attribute name and value.
 * Names always go through `#n` placeholders because many of ours (`status`, `owner`,
 * `output`, `input`…) are DynamoDB reserved words; values are numbered as they are
 * used, because DynamoDB rejects a request that declares a placeholder it never uses.
 */
export class Expression {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  #next = 0;

  /** `#attr`, declared once however often it is used. */
  name(attribute: string): string {
    const placeholder = `#${attribute.replace(/[^A-Za-z0-9_]/g, "_")}`;
    this.names[placeholder] = attribute;
    return placeholder;
  }

  /** A fresh `:vN` bound to `value`. */
  value(value: unknown): string {
    const placeholder = `:v${this.#next++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  /** `SET #a = :v0, #b = :v1` for the defined entries of `fields`; `undefined` when there are none. */
  set(fields: Record<string, unknown>): string | undefined {
    const parts = Object.entries(fields)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `${this.name(k)} = ${this.value(v)}`);
    return parts.length ? `SET ${parts.join(", ")}` : undefined;
  }

  /** The parameters of a command that uses this expression; empty maps are left out, as DynamoDB requires. */
  params(): { ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown> } {
    return {
      ExpressionAttributeNames: Object.keys(this.names).length ? this.names : undefined,
      ExpressionAttributeValues: Object.keys(this.values).length ? this.values : undefined,
    };
  }
}
