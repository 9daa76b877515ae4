/// <reference path="./.sst/platform/config.d.ts" />

/**
 * Ferry on AWS. This file only orchestrates: each concern lives in `infra/`,
 * every per-stage number in `infra/lib/settings.ts`. See docs/operations.md.
 */
export default $config({
  async app(input) {
    const { stageSettings } = await import("./infra/lib/settings");
    const settings = stageSettings(input.stage);
    return {
      name: "ferry",
      home: "aws",
      removal: settings.removal,
      protect: settings.protect,
      // packages/functions/sst-env.d.ts is hand-written (the offline type-check
      // needs it before any deploy); keep SST from replacing it with a stub.
      types: { ignore: ["packages/functions"] },
    };
  },
  async run() {
    const { stageSettings } = await import("./infra/lib/settings");
    const { nodejsBundling } = await import("./infra/lib/bundling");
    const settings = stageSettings($app.stage);

    // Before any infra module runs: applies to every Function created after it,
    // including the ones SST builds for routes, subscribers and the authorizer.
    $transform(sst.aws.Function, (args) => {
      args.architecture ??= "arm64";
      args.runtime ??= "nodejs22.x";
      args.logging ??= { retention: settings.logRetention };
      // pdf.js and DuckDB are loaded lazily, each by one worker that installs it
      // (infra/workers.ts); every other function leaves both out of its bundle.
      args.nodejs ??= nodejsBundling({});
    });

    const storage = await import("./infra/storage");
    const vectors = await import("./infra/vectors");
    const queues = await import("./infra/queues");
    const ai = await import("./infra/ai");
    const realtime = await import("./infra/realtime");
    await import("./infra/workers");
    const { web } = await import("./infra/web");

    return {
      wsUrl: realtime.ws.url,
      managementEndpoint: realtime.ws.managementEndpoint,
      webUrl: web.url,
      uploadsBucket: storage.uploads.name,
      connectionsTable: storage.connections.name,
      jobsTable: storage.jobs.name,
      vectorBucket: vectors.vectorBucket.vectorBucketName,
      ingestDlqUrl: queues.ingestDlq.url,
      analysisDlqUrl: queues.analysisDlq.url,
      embedModel: ai.models.embed,
      chatModel: ai.models.chat,
    };
  },
});
