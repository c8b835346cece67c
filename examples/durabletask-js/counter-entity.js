// Durable entities written with the official Durable Task JavaScript SDK, run by durable-kafka (docs/sdk-workers.md,
// "Entities"): the worker runs the entities' operations, durable-kafka keeps their queues, locks and state.
// Usage: node counter-entity.js [host:port] [key] [calls]   (defaults localhost:4001, a random key)
//
// It signals a counter many times (one operation of them throws), reads the state back with GetEntity, has a relay
// entity signal another entity and start an orchestration (greet, run by this worker too), and with "calls" lets an
// orchestration of the cluster call the counter (CallSdkEntity: the deploy tests' TestFunctions register it in Java).
// A JavaScript orchestration (countInJs) signals, calls and locks one of the JavaScript counters too.
// Prints one JSON line with what it saw.
const { TaskHubGrpcClient, TaskHubGrpcWorker, TaskEntity, EntityInstanceId } = require("@microsoft/durabletask-js");

class Counter extends TaskEntity {
  initializeState() {
    return 0;
  }

  add(amount) {
    this.state += amount;
    return this.state;
  }

  get() {
    return this.state;
  }

  // Changes the state, then throws: the change is rolled back, for this operation only.
  fail() {
    this.state += 1000;
    throw new Error("counter failed on purpose");
  }
}

class Relay extends TaskEntity {
  initializeState() {
    return 0;
  }

  // Input {counter, amount}: signals add(amount) to that counter; counts what it relayed.
  forward(input) {
    this.context.signalEntity(new EntityInstanceId("jscounter", input.counter), "add", input.amount);
    this.state += 1;
    return this.state;
  }

  // Input {name, instanceId, input}: starts that orchestration.
  start(input) {
    return this.context.scheduleNewOrchestration(input.name, input.input, { instanceId: input.instanceId });
  }
}

const greet = async function* (_ctx, name) {
  return `hello ${name}`;
};

// Both halves written with the SDK: a JavaScript orchestration that signals, calls and locks a JavaScript entity.
const countInJs = async function* (ctx, key) {
  const counter = new EntityInstanceId("jscounter", `${key}-js`);
  ctx.entities.signalEntity(counter, "add", 3);
  const added = yield ctx.entities.callEntity(counter, "add", 4);
  let failed = null;
  try {
    yield ctx.entities.callEntity(counter, "fail");
  } catch (e) {
    failed = e.failureDetails ? e.failureDetails.errorMessage : String(e);
  }
  const lock = yield ctx.entities.lockEntities(counter);
  let locked;
  try {
    locked = yield ctx.entities.callEntity(counter, "add", 10);
  } finally {
    lock.release();
  }
  return { added, failed, locked };
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Reads an entity (gRPC GetEntity) until `done` holds for its state, for at most `seconds`.
async function awaitState(client, id, done, seconds) {
  const deadline = Date.now() + seconds * 1000;
  let last;
  while (Date.now() < deadline) {
    const meta = await client.getEntity(id, true);
    last = meta ? meta.state : undefined;
    if (done(last)) {
      return last;
    }
    await sleep(100);
  }
  throw new Error(`entity ${id} did not get there in ${seconds} s; last state: ${JSON.stringify(last)}`);
}

async function callCounter(client, entity, op, input) {
  const id = await client.scheduleNewOrchestration("CallSdkEntity", { entity: entity.toString(), op, input });
  const state = await client.waitForOrchestrationCompletion(id, true, 60);
  return JSON.parse(state.serializedOutput);
}

(async () => {
  const hostAddress = process.argv[2] || "localhost:4001";
  const key = process.argv[3] || `k${Date.now()}`;
  const calls = process.argv[4] === "calls";
  const signals = 200;
  const worker = new TaskHubGrpcWorker({ hostAddress });
  worker.addNamedEntity("jscounter", () => new Counter());
  worker.addNamedEntity("jsrelay", () => new Relay());
  worker.addNamedOrchestrator("greet", greet);
  worker.addNamedOrchestrator("countInJs", countInJs);
  await worker.start();
  const client = new TaskHubGrpcClient({ hostAddress });
  const result = { key };

  // Many signals: they run in batches; the one that throws changes nothing.
  const counter = new EntityInstanceId("jscounter", key);
  for (let i = 0; i < signals; i++) {
    await client.signalEntity(counter, "add", 1);
    if (i === signals / 2) {
      await client.signalEntity(counter, "fail");
    }
  }
  result.total = await awaitState(client, counter, (s) => s === signals, 60);

  // Calls from an orchestration: the result, and the failure of the operation that throws.
  if (calls) {
    result.called = await callCounter(client, counter, "add", 1);
    result.failedCall = await callCounter(client, counter, "fail");
    result.afterFailedCall = (await client.getEntity(counter, true)).state;
  }

  // Actions: a signal to another entity and an orchestration start.
  const relay = new EntityInstanceId("jsrelay", key);
  const other = new EntityInstanceId("jscounter", `${key}-other`);
  await client.signalEntity(relay, "forward", { counter: `${key}-other`, amount: 5 });
  await client.signalEntity(relay, "forward", { counter: `${key}-other`, amount: 7 });
  result.relayed = await awaitState(client, other, (s) => s === 12, 60);
  result.startedInstance = `${key}-started`;
  await client.signalEntity(relay, "start", { name: "greet", instanceId: result.startedInstance, input: key });
  // The entity starts it asynchronously: wait until it exists, then until it completes.
  const deadline = Date.now() + 60000;
  while (!(await client.getOrchestrationState(result.startedInstance, false)) && Date.now() < deadline) {
    await sleep(100);
  }
  const started = await client.waitForOrchestrationCompletion(result.startedInstance, true, 60);
  result.startedOutput = started && started.serializedOutput ? JSON.parse(started.serializedOutput) : null;
  result.relayState = (await client.getEntity(relay, true)).state;

  // A JavaScript orchestration using a JavaScript entity: signal, call, a failed call, a call under a lock.
  const jsId = await client.scheduleNewOrchestration("countInJs", key);
  const js = await client.waitForOrchestrationCompletion(jsId, true, 120);
  result.fromJsOrchestration = js && js.serializedOutput ? JSON.parse(js.serializedOutput) : null;
  result.jsOrchestrationFailure = js && js.failureDetails ? js.failureDetails.message : null;

  console.log(JSON.stringify(result));
  await worker.stop();
  process.exit(0);
})().catch((e) => {
  console.error("FAILED", e);
  process.exit(1);
});
