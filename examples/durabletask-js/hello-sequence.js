// The official Durable Task JavaScript SDK against durable-kafka's gRPC endpoint (docs/sdk-workers.md):
// a worker that runs the orchestration and its activity, and a client that starts it, raises its event
// and waits for it. Usage: node hello-sequence.js [host:port]   (default localhost:4001)
const { TaskHubGrpcClient, TaskHubGrpcWorker } = require("@microsoft/durabletask-js");

const sayHello = async (_ctx, city) => `Hello ${city}!`;

const helloSequence = async function* (ctx, cities) {
  const greetings = [];
  for (const city of cities) {
    greetings.push(yield ctx.callActivity(sayHello, city));
  }
  yield ctx.createTimer(1); // seconds
  greetings.push(yield ctx.waitForExternalEvent("farewell"));
  return greetings;
};

(async () => {
  const hostAddress = process.argv[2] || "localhost:4001";
  const worker = new TaskHubGrpcWorker({ hostAddress });
  worker.addOrchestrator(helloSequence);
  worker.addActivity(sayHello);
  await worker.start();

  const client = new TaskHubGrpcClient({ hostAddress });
  const id = await client.scheduleNewOrchestration(helloSequence, ["Tokyo", "Seattle", "London"]);
  await client.waitForOrchestrationStart(id, false, 60);
  await client.raiseOrchestrationEvent(id, "farewell", "Goodbye!");
  const state = await client.waitForOrchestrationCompletion(id, true, 120);
  console.log(JSON.stringify({ instanceId: id, runtimeStatus: state.runtimeStatus, output: JSON.parse(state.serializedOutput) }));
  await worker.stop();
  process.exit(0);
})().catch((e) => {
  console.error("FAILED", e);
  process.exit(1);
});
