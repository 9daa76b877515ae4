import {
  ApiGatewayManagementApiClient,
  DeleteConnectionCommand,
  GoneException,
  PostToConnectionCommand,
} from "@aws-sdk/client-apigatewaymanagementapi";
import { ConnectionGoneError } from "../errors";
import type { Notifier } from "../ports";

/**
 * `Notifier` on API Gateway's `@connections` API, through the real AWS SDK client.
 * Locally the endpoint is the gateway emulator; on AWS it is the API's management
 * endpoint (`https://{apiId}.execute-api.{region}.amazonaws.com/{stage}`).
 */
export class ApiGatewayNotifier implements Notifier {
  readonly #client: ApiGatewayManagementApiClient;
  readonly #encoder = new TextEncoder();

  constructor(endpoint: string, client?: ApiGatewayManagementApiClient) {
    this.#client = client ?? new ApiGatewayManagementApiClient({
        endpoint,
        maxAttempts: 2,
        // One worker posts to many connections at once; the default pool would queue them.
        requestHandler: { httpAgent: { keepAlive: true, maxSockets: 256 }, httpsAgent: { keepAlive: true, maxSockets: 256 } },
      });
  }

  async post(connectionId: string, data: string): Promise<void> {
    try {
      await this.#client.send(new PostToConnectionCommand({ ConnectionId: connectionId, Data: this.#encoder.encode(data) }));
    } catch (error) {
      throw translate(error, connectionId);
    }
  }

  async disconnect(connectionId: string): Promise<void> {
    try {
      await this.#client.send(new DeleteConnectionCommand({ ConnectionId: connectionId }));
    } catch (error) {
      throw translate(error, connectionId);
    }
  }
}

function translate(error: unknown, connectionId: string): unknown {
  // Real API Gateway sometimes sends a 410 with an empty body; the SDK then cannot name it.
  const status = (error as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  if (error instanceof GoneException || status === 410) return new ConnectionGoneError(connectionId, { cause: error });
  return error;
}
