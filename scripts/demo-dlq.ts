/**
 * `npm run demo:dlq`: puts rejected records in the DLQ of a running Airlock (npm start), for the
 * worked example of docs/dlq.md. Records from disconnected edge stations reach the ingress topic
 * without the HTTP checks, so the validators are the first to judge them: two with an installation
 * date in the future (TRACE-DATE-1) and one whose serial number is not a string (schema).
 */
import { Kafka, logLevel } from 'kafkajs';
import { assertReadCommittedSafe } from '../core/kafka/read-committed.ts';
import { edgeMessage, sampleRecord } from './lib/sample.ts';
import { withStackEnv } from './lib/stack-env.ts';

const env = withStackEnv(process.env);
const brokers = (env.AIRLOCK_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const topic = env.AIRLOCK_TOPIC_INGRESS ?? 'airlock.ingress.v1';

// As the hangar tablet's sync agent writes them (its own subject, an idempotency key per record).
const edge = (body: Record<string, unknown>, registration: string) =>
  edgeMessage({ ...body, aircraft_registration: registration }, registration, undefined, {
    subject: 'edge-station-hangar-3',
    idempotencyKey: crypto.randomUUID(),
  });

const records = [
  edge({ ...sampleRecord(), installation_date: '2062-11-19T10:00:00+01:00' }, 'D-AIBL'),
  edge({ ...sampleRecord(), installation_date: '2062-11-20T09:30:00+01:00' }, 'D-AIBL'),
  edge({ ...sampleRecord(), serial_number: 12345 }, 'G-EUPT'),
];
assertReadCommittedSafe();
const kafka = new Kafka({ clientId: 'airlock-demo-edge', brokers, logLevel: logLevel.NOTHING });
const producer = kafka.producer({ idempotent: true });
await producer.connect();
await producer.send({ topic, acks: -1, messages: records });
await producer.disconnect();
console.log(`${records.length} edge records sent to ${topic}; the validators reject them into the DLQ.`);
console.log('Now: npm run dlq -- list   (docs/dlq.md)');
