/**
 * Errors the emulator raises on purpose. Handler failures are never thrown out
 * of the gateway: they become HTTP statuses or error frames, as on AWS.
 */
export class GatewayError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Options a deployment would also reject (bad selection expression, unknown identity source…). */
export class GatewayConfigError extends GatewayError {}
