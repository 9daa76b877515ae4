import WebSocket from "ws";
import { ApiGatewayNotifier } from "@ferry/core/adapters/apigw-notifier";
import { runNotifierContract } from "@ferry/core/testing/notifier-contract";
import { startGateway } from "./gateway";

/** The real `@aws-sdk/client-apigatewaymanagementapi` client against the gateway emulator. */
runNotifierContract("API Gateway @connections (emulator)", async () => {
  const connected: string[] = [];
  const gateway = await startGateway({
    port: 0,
    stage: "test",
    routes: {
      $connect: {
        handler: (event: { requestContext: { connectionId: string } }) => {
          connected.push(event.requestContext.connectionId);
          return { statusCode: 200 };
        },
      },
    },
  });
  const notifier = new ApiGatewayNotifier(gateway.connectionsUrl);
  const sockets: WebSocket[] = [];
  return {
    notifier,
    async open() {
      const frames: string[] = [];
      const ws = new WebSocket(gateway.websocketUrl);
      sockets.push(ws);
      ws.on("message", (d) => frames.push(String(d)));
      await new Promise((r) => ws.once("open", r));
      return { connectionId: connected.at(-1)!, received: async () => [...frames] };
    },
    async close() {
      sockets.forEach((s) => s.terminate());
      await gateway.close();
    },
  };
});
