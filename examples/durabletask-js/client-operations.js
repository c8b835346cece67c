// The official Durable Task JavaScript SDK's client operations of the newer protocol revision against durable-kafka
// (docs/sdk-workers.md): restartOrchestration (same ID, new ID, refused while running, unknown ID) and
// listInstanceIds (paged, filtered by status and completed time).
// Usage: node client-operations.js [host:port] [key]   (default localhost:4001; key: a prefix for this run's IDs)
const { TaskHubGrpcClient, TaskHubGrpcWorker, OrchestrationStatus } = require("@microsoft/durabletask-js");

const shout = async function* (ctx, text) {
  return `${text}`.toUpperCase() + (ctx.version ? ` v${ctx.version}` : "");
};

const waitForGo = async function* (ctx) {
  return yield ctx.waitForExternalEvent("go");
};

const refusal = async (promise) => {
  try {
    await promise;
    return "not refused";
  } catch (e) {
    return e.message;
  }
};

(async () => {
  const hostAddress = process.argv[2] || "localhost:4001";
  const key = process.argv[3] || `ops-${Date.now()}`;
  const worker = new TaskHubGrpcWorker({ hostAddress });
  worker.addOrchestrator(shout);
  worker.addOrchestrator(waitForGo);
  await worker.start();
  const client = new TaskHubGrpcClient({ hostAddress });

  const ids = [];
  for (const word of ["one", "two", "three"]) {
    const tags = { word };
    const id = await client.scheduleNewOrchestration(shout, word, { instanceId: `${key}-${word}`, tags, version: "1.2" });
    await client.waitForOrchestrationCompletion(id, true, 60);
    ids.push(id);
  }

  // Restart under the same ID: a new run with the same input.
  const sameId = await client.restartOrchestration(ids[0], false);
  const again = await client.waitForOrchestrationCompletion(sameId, true, 60);
  // Under a new ID.
  const newId = await client.restartOrchestration(ids[1], true);
  const copy = await client.waitForOrchestrationCompletion(newId, true, 60);

  const waiter = await client.scheduleNewOrchestration(waitForGo, undefined, `${key}-waiter`);
  await client.waitForOrchestrationStart(waiter, false, 60);
  const whileRunning = await refusal(client.restartOrchestration(waiter, false));
  const unknown = await refusal(client.restartOrchestration(`${key}-unknown`, false));

  // Every completed instance, two IDs a page; then those completed in the future (none).
  const listed = [];
  let pages = 0;
  let lastInstanceKey;
  do {
    const page = await client.listInstanceIds({ runtimeStatus: [OrchestrationStatus.COMPLETED], pageSize: 2, lastInstanceKey });
    listed.push(...page.values);
    lastInstanceKey = page.continuationToken;
    pages++;
  } while (lastInstanceKey && pages < 10000);
  const future = await client.listInstanceIds({ completedTimeFrom: new Date(Date.now() + 3600_000) });
  const running = await client.listInstanceIds({ runtimeStatus: [OrchestrationStatus.RUNNING], pageSize: 1000 });

  await client.raiseOrchestrationEvent(waiter, "go", "went");
  const done = await client.waitForOrchestrationCompletion(waiter, true, 60);

  console.log(JSON.stringify({
    key,
    restartedSameId: sameId,
    restartedOutput: JSON.parse(again.serializedOutput),
    restartedStatus: again.runtimeStatus,
    restartedTags: again.tags,
    newId,
    newIdOutput: JSON.parse(copy.serializedOutput),
    newIdListed: listed.includes(newId),
    whileRunning,
    unknown,
    listed: listed.filter((id) => id.startsWith(key)),
    pages,
    futureCount: future.values.length,
    runningListed: running.values.filter((id) => id.startsWith(key)),
    waiterOutput: JSON.parse(done.serializedOutput),
  }));
  await worker.stop();
  process.exit(0);
})().catch((e) => {
  console.error("FAILED", e);
  process.exit(1);
});
