// An orchestration written with the official Durable Task JavaScript SDK that uses durable entities run by
// durable-kafka's nodes (the samples' Java entities Counter and Account, docs/sdk-workers.md): it signals and calls a
// counter, sees an entity operation fail, and moves money between two accounts inside a critical section that locks
// both. Usage: node entities.js [host:port] [key]   (defaults: localhost:4001, a key made of the current time)
const { TaskHubGrpcClient, TaskHubGrpcWorker, EntityInstanceId } = require("@microsoft/durabletask-js");

const entityDemo = async function* (ctx, key) {
  // Signals are one-way; the call after them reaches the counter after them (same entity, same order).
  const counter = new EntityInstanceId("Counter", key);
  ctx.entities.signalEntity(counter, "add", 5);
  ctx.entities.signalEntity(counter, "add", 5);
  const counted = yield ctx.entities.callEntity(counter, "get");

  const from = new EntityInstanceId("Account", `${key}-from`);
  const to = new EntityInstanceId("Account", `${key}-to`);
  yield ctx.entities.callEntity(from, "deposit", 100);
  let refused = null;
  try {
    yield ctx.entities.callEntity(from, "withdraw", 1000); // more than the balance: the entity throws
  } catch (e) {
    refused = e.failureDetails ? e.failureDetails.errorMessage : String(e);
  }

  // Both accounts locked: no other orchestration or client operation runs on them until the release.
  const lock = yield ctx.entities.lockEntities(to, from);
  let balances;
  try {
    const fromBalance = yield ctx.entities.callEntity(from, "withdraw", 30);
    const toBalance = yield ctx.entities.callEntity(to, "deposit", 30);
    balances = { from: fromBalance, to: toBalance };
  } finally {
    lock.release();
  }
  const afterRelease = ctx.entities.isInCriticalSection().inSection;
  return { counted, refused, balances, inCriticalSectionAfterRelease: afterRelease };
};

(async () => {
  const hostAddress = process.argv[2] || "localhost:4001";
  const key = process.argv[3] || `js-${Date.now()}`;
  const worker = new TaskHubGrpcWorker({ hostAddress });
  worker.addOrchestrator(entityDemo);
  await worker.start();

  const client = new TaskHubGrpcClient({ hostAddress });
  const id = await client.scheduleNewOrchestration(entityDemo, key);
  const state = await client.waitForOrchestrationCompletion(id, true, 120);
  console.log(JSON.stringify({
    instanceId: id,
    key,
    runtimeStatus: state.runtimeStatus,
    output: state.serializedOutput ? JSON.parse(state.serializedOutput) : null,
    failure: state.failureDetails ? state.failureDetails.message : null,
  }));
  await worker.stop();
  process.exit(0);
})().catch((e) => {
  console.error("FAILED", e);
  process.exit(1);
});
