import { runtime } from "../runtime";
import { makeSqsWorker } from "./sqs-worker";

/** The `analysis` queue's SQS worker (15 min, partial batch responses); see ./sqs-worker.ts. */
export const handler = makeSqsWorker(async () => {
  const r = await runtime();
  if (!r.sqs) throw new Error("the SQS worker runs only with the AWS runtime");
  return { runner: r.runner, sqs: r.sqs, logger: r.logger, deadLetter: r.deadLetter };
});
