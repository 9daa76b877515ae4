/**
 * The WebSocket API (`Ws`) and the Lambdas behind its routes.
 *
 * | route | target |
 * |---|---|
 * | `$connect` | `ws/connect`, behind the `Token` REQUEST authorizer (`ws/authorizer`) on `?token=` |
 * | `$disconnect` | `ws/disconnect` |
 * | `$default` and every action in `lib/routes.ts` | one function, `WsRouter` (`ws/default`) |
 *
 * @remarks
 * One Lambda serves every message route. `ws/default` dispatches on
 * `body.action` through `FerryApi.handleFrame`, exactly as each per-action
 * entry file (`ws/submit-job.ts`, …) would, so separate functions would buy
 * nothing at runtime and cost a build, an upload and a cold start each: SST's
 * own docs warn that a Lambda per route slows deploys. Routes still exist per
 * action, so API Gateway logs and metrics stay per action; they point at the
 * router's ARN. `$connect`, `$disconnect` and the authorizer get their own
 * functions because API Gateway calls them with different events and results.
 *
 * Auth applies on `$connect` only (API Gateway ignores it on other routes): a
 * browser cannot set headers on `new WebSocket(url)`, so the token travels as
 * `?token=`; a connection without one is refused with 401 before any Lambda runs.
 *
 * @module
 */
import { runtimeEnvironment } from "./ai";
import { megabytes, seconds, stageSettings } from "./lib/settings";
import { WS_ACTIONS, routeName } from "./lib/routes";
import { analysisDlq, analysisQueue, ingestDlq, ingestQueue } from "./queues";
import { secrets } from "./secrets";
import { connections, jobs, uploads } from "./storage";
import { vectors } from "./vectors";

const settings = stageSettings($app.stage);

export const ws = new sst.aws.ApiGatewayWebSocket("Ws");

/**
 * What every Ferry function links. One composition root
 * (`packages/functions/src/runtime.ts`) builds every adapter from `Resource`,
 * so each function needs all of them: `ws` grants `execute-api:ManageConnections`
 * (`Resource.Ws.managementEndpoint`) for posting events, both queues let the API
 * enqueue and a worker re-enqueue a job cut by its deadline, the DLQs take jobs
 * that failed for good.
 */
export const runtimeLinks = [ws, connections, jobs, ingestQueue, analysisQueue, ingestDlq, analysisDlq, uploads, vectors, ...secrets];

/**
 * A route handler: bounded by API Gateway's 29 s integration timeout. It gets the
 * runtime environment too (model ids, the billing upload cap; no Bedrock
 * permissions): the runtime it shares with the workers reads it when it builds
 * the job kinds and signs uploads.
 */
const routeFunction = (file: string) => ({
  handler: `packages/functions/src/ws/${file}.handler`,
  link: runtimeLinks,
  environment: runtimeEnvironment,
  timeout: seconds(settings.api.timeoutSeconds),
  memory: megabytes(settings.api.memoryMb),
});

export const router = new sst.aws.Function("WsRouter", routeFunction("default"));

const authorizer = ws.addAuthorizer("Token", {
  lambda: {
    function: routeFunction("authorizer"),
    identitySources: ["route.request.querystring.token"],
  },
});

ws.route("$connect", routeFunction("connect"), { auth: { lambda: authorizer.id } });
ws.route("$disconnect", routeFunction("disconnect"));
ws.route("$default", router.arn);
for (const action of WS_ACTIONS) ws.route(action, router.arn, { name: routeName(action) });
