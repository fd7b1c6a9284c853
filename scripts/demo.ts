/**
 * `npm run demo`: sends the sample parts-trace record to a running Airlock (npm start) and shows it
 * arriving, decoded through the schema registry, in the destination topic.
 */

import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Kafka, logLevel } from 'kafkajs';
import { assertReadCommittedSafe } from '../core/kafka/read-committed.ts';
import { ensureDevPki, mintDevToken } from './lib/dev-identity.ts';
import { contextHeader, sampleContext, sampleRecord } from './lib/sample.ts';
import { withStackEnv } from './lib/stack-env.ts';

const env = withStackEnv(process.env);
const brokers = (env.AIRLOCK_KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const registryUrl = env.AIRLOCK_REGISTRY_URL ?? 'http://127.0.0.1:8081/apis/ccompat/v7';
const topic = env.AIRLOCK_TOPIC_PARTS_TRACE ?? 'airlock.parts-trace.v1';
const url = `https://127.0.0.1:${env.AIRLOCK_INGRESS_PORT ?? '8080'}/v1/parts/trace`;

const record = sampleRecord();
console.log(`POST ${url}`);
// As a certifying_staff tablet: its client certificate and a token bound to it.
const pki = ensureDevPki();
const cert = readFileSync(`${pki}/client-certifying_staff.crt`, 'utf8');
const token = await mintDevToken(pki, 'certifying_staff', { bindCertPem: cert });
const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
  const req = request(
    url,
    {
      method: 'POST',
      ca: readFileSync(`${pki}/ca.crt`),
      cert,
      key: readFileSync(`${pki}/client-certifying_staff.key`),
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${token}`,
        'x-maintenance-context': contextHeader(sampleContext()),
      },
    },
    (r) => {
      let body = '';
      r.on('data', (c: Buffer) => {
        body += c.toString();
      });
      r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
    },
  );
  req.on('error', reject);
  req.end(JSON.stringify(record));
}).catch((err: unknown) => {
  console.error(`could not reach the ingress at ${url}: is Airlock running (npm start)? ${String(err)}`);
  process.exit(1);
});
const answer = JSON.parse(res.body) as { trace_id?: string };
console.log(`${res.status}`, answer);
if (res.status !== 202 || !answer.trace_id) process.exit(1);

assertReadCommittedSafe();
const kafka = new Kafka({ clientId: 'airlock-demo', brokers, logLevel: logLevel.NOTHING });
const registry = new SchemaRegistry({ host: registryUrl });
const consumer = kafka.consumer({ groupId: `airlock-demo-${answer.trace_id}`, readUncommitted: false });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
const timer = setTimeout(() => {
  console.error(`the record did not reach ${topic} within 30 s; see the stages' logs`);
  process.exit(1);
}, 30000);
console.log(`waiting for trace_id ${answer.trace_id} in ${topic} (read_committed) ...`);
await consumer.run({
  eachMessage: async ({ message, partition }) => {
    if (message.headers?.['airlock-trace-id']?.toString() !== answer.trace_id || !message.value) return;
    const decoded = await registry.decode(message.value);
    console.log(`arrived in ${topic} partition ${partition} offset ${message.offset}, key ${message.key}:`);
    console.log(JSON.stringify(decoded, null, 2));
    clearTimeout(timer);
    // Not consumer.disconnect(): it waits for this very handler to return.
    process.exit(0);
  },
});
