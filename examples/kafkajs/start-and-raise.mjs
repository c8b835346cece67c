// Starts the sample Approval as an instance (default order-42) and raises its event ApprovalEvent, with kafkajs 2.x.
// KAFKA_BROKERS (default localhost:9092) and DK_TASK_HUB (default DurableFunctionsHub) say where.
import kafkajs from 'kafkajs';
const { Kafka, Partitioners } = kafkajs;

const instanceId = process.argv[2] ?? 'order-42';
const brokers = (process.env.KAFKA_BROKERS ?? 'localhost:9092').split(',');
const topic = `dk.${process.env.DK_TASK_HUB ?? 'DurableFunctionsHub'}.orchestrations`;

const kafka = new Kafka({ clientId: 'orders', brokers });
// The Java client's partitioner (murmur2 of the key): a record must land in its instance's partition.
const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true });
await producer.connect();
await producer.send({ topic, acks: -1, messages: [
  { key: instanceId,
    value: JSON.stringify({ type: 'StartOrchestration', v: 1, instanceId, name: 'Approval',
                            input: { timeoutSeconds: 300 } }) },
  { key: instanceId,
    value: JSON.stringify({ type: 'RaiseEvent', v: 1, instanceId, name: 'ApprovalEvent', input: true }) },
] });
await producer.disconnect();
