/**
 * Runs Airlock's stages as real processes (node <stage>/main.ts) against the real services, with
 * topics, consumer groups and transactional ids that belong to one test only.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import type { Kafka } from 'kafkajs';
import { loadConfig } from '../../core/config/load.ts';
import { ensureTopics } from '../../core/kafka/topics.ts';
import { createLogger } from '../../core/logger.ts';
import { refTopics } from '../../rules/refdata.ts';
import { devIngressEnv, ensureDevPki } from '../../scripts/lib/dev-identity.ts';
import { loadDemoReference } from '../../scripts/lib/ref-demo.ts';
import { ROOT } from '../../scripts/lib/stack-env.ts';
import { deleteTopics, testKafka, uid } from './kafka.ts';
import type { Services } from './services.ts';
import { freePort } from './wait.ts';

export type PipelineStage = 'ingress' | 'validators' | 'router';

export interface Pipeline {
  env: Record<string, string>;
  /** Base URLs of the consumers' health endpoints. */
  health: { validators: string; router: string };
  /** The development PKI folder (certificates, keys, token key). */
  pki: string;
  topics: {
    ingress: string;
    validated: string;
    dlq: string;
    partsTrace: string;
    measurements: string;
    accessAudit: string;
  };
  url: string;
  /** The last lines a stage printed, for failure messages. */
  output(stage: PipelineStage): string;
  /** SIGTERM every stage, wait for it to exit, delete the test's topics; each stage's exit code. */
  stop(): Promise<Partial<Record<PipelineStage, number | null>>>;
  /** The process id of a running stage (the primary, for an ingress with workers). */
  pid(stage: PipelineStage): number | undefined;
  /** SIGKILL a stage (a crash). */
  kill(stage: PipelineStage): Promise<void>;
  /** Send a signal to a running stage. */
  signal(stage: PipelineStage, signal: NodeJS.Signals): void;
  /** Start a stage again and wait until it is ready. */
  restart(stage: PipelineStage): Promise<void>;
  /**
   * A second process of a stage, ready once it logged so: of a consumer stage, in the same group
   * with no health port (a rebalance when it joins and when it is stopped, SIGTERM or SIGKILL); of
   * the ingress, on a port and with a transactional id of its own, sharing the topics and Redis.
   */
  another(stage: 'validators' | 'router' | 'ingress'): Promise<{
    stop(signal?: NodeJS.Signals): Promise<void>;
    output(): string;
    /** A second ingress's base URL (its own port and transactional id, the same Redis). */
    url: string;
  }>;
}

/** Parent environment without Airlock settings, so a developer's shell cannot leak into a test. */
function cleanEnv(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !k.startsWith('AIRLOCK_')) out[k] = v;
  return out;
}

export async function startPipeline(
  s: Services,
  stages: readonly PipelineStage[] = ['ingress', 'validators', 'router'],
  extraEnv: Record<string, string> = {},
  opts: {
    /** More reference data, published after the demo's and before any stage starts. */
    reference?: (kafka: Kafka, env: Readonly<Record<string, string>>) => Promise<void>;
  } = {},
): Promise<Pipeline> {
  const prefix = `test-${uid()}`;
  const pki = ensureDevPki();
  const port = await freePort();
  const healthPorts = { validators: await freePort(), router: await freePort() };
  const topics = {
    ingress: `${prefix}.ingress`,
    validated: `${prefix}.validated`,
    dlq: `${prefix}.dlq`,
    partsTrace: `${prefix}.parts-trace`,
    measurements: `${prefix}.measurements`,
    accessAudit: `${prefix}.access-audit`,
  };
  const env: Record<string, string> = {
    AIRLOCK_KAFKA_BROKERS: s.brokers.join(','),
    AIRLOCK_REGISTRY_URL: s.registryUrl,
    AIRLOCK_REDIS_URL: s.redisUrl,
    ...devIngressEnv(pki),
    AIRLOCK_INGRESS_PORT: String(port),
    AIRLOCK_TOPIC_INGRESS: topics.ingress,
    AIRLOCK_TOPIC_VALIDATED: topics.validated,
    AIRLOCK_TOPIC_DLQ: topics.dlq,
    AIRLOCK_TOPIC_PARTS_TRACE: topics.partsTrace,
    AIRLOCK_TOPIC_LOGBOOK: `${prefix}.logbook`,
    AIRLOCK_TOPIC_COMPLIANCE_AUDIT: `${prefix}.compliance-audit`,
    AIRLOCK_TOPIC_MEASUREMENTS: topics.measurements,
    AIRLOCK_TOPIC_REPLAY_AUDIT: `${prefix}.replay-audit`,
    AIRLOCK_TOPIC_ACCESS_AUDIT: topics.accessAudit,
    AIRLOCK_TOPIC_REF_TECHNICIANS: `${prefix}.ref.technicians`,
    AIRLOCK_TOPIC_REF_FLEET: `${prefix}.ref.fleet`,
    AIRLOCK_TOPIC_REF_APPROVALS: `${prefix}.ref.approvals`,
    AIRLOCK_TOPIC_REF_BACKUPS: `${prefix}.ref.backups`,
    AIRLOCK_TOPIC_REF_RELEASES: `${prefix}.ref.releases`,
    AIRLOCK_TOPIC_REF_TOOLS: `${prefix}.ref.tools`,
    AIRLOCK_TOPIC_HISTORY_PREFIX: `${prefix}.history.`,
    AIRLOCK_VALIDATORS_GROUP_ID: `${prefix}-validators`,
    AIRLOCK_ROUTER_GROUP_ID: `${prefix}-router`,
    AIRLOCK_TRANSACTIONAL_ID_PREFIX: prefix,
    AIRLOCK_REDIS_KEY_PREFIX: prefix,
    AIRLOCK_SHUTDOWN_GRACE_MS: '20000',
    // One ingress process unless a test asks for workers (issue #14: the default is the cores).
    AIRLOCK_INGRESS_WORKERS: '1',
    AIRLOCK_VALIDATORS_HEALTH_PORT: String(healthPorts.validators),
    AIRLOCK_ROUTER_HEALTH_PORT: String(healthPorts.router),
    ...extraEnv,
  };
  // An empty value in extraEnv removes the setting (e.g. the JWKS file, to use a JWKS URL).
  for (const [k, v] of Object.entries(env)) if (v === '') delete env[k];
  // The validators enforce the reference-data rules: the test's own reference topics get the demo
  // roster, fleet master and release certificates that the sample records refer to.
  {
    const config = loadConfig(env, 'tool');
    const kafka = testKafka(s);
    await ensureTopics(kafka, config, createLogger({ log: { level: 'silent' } }, 'test'));
    await loadDemoReference(kafka, refTopics(config.topics));
    await opts.reference?.(kafka, env);
  }
  const children = new Map<PipelineStage, ChildProcess>();
  const logs = new Map<PipelineStage, string[]>();
  const output = (stage: PipelineStage) => (logs.get(stage) ?? []).slice(-40).join('\n');

  /** Further processes of a stage (another()): SIGKILLed by stop() if still running. */
  const extras: ChildProcess[] = [];
  let stopped: Promise<Partial<Record<PipelineStage, number | null>>> | undefined;
  const stopOnce = async () => {
    for (const c of extras) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    const codes: Partial<Record<PipelineStage, number | null>> = {};
    await Promise.all(
      [...children].map(
        ([stage, child]) =>
          new Promise<void>((resolve) => {
            const done = () => {
              codes[stage] = child.exitCode;
              resolve();
            };
            if (child.exitCode !== null || child.signalCode !== null) return done();
            const kill = setTimeout(() => child.kill('SIGKILL'), 25000);
            child.once('exit', () => {
              clearTimeout(kill);
              done();
            });
            child.kill('SIGTERM');
          }),
      ),
    );
    const admin = testKafka(s).admin();
    await admin.connect();
    await deleteTopics(admin, `${prefix}.`);
    await admin.disconnect();
    return codes;
  };
  const stop = () => {
    stopped ??= stopOnce();
    return stopped;
  };

  /** Spawns a stage and resolves once it logged `lifecycle ready`. */
  const launch = async (stage: PipelineStage) => {
    const lines = logs.get(stage) ?? [];
    logs.set(stage, lines);
    await spawnReady(stage, env, (child) => children.set(stage, child), lines);
  };
  const spawnReady = (
    stage: PipelineStage,
    stageEnv: Record<string, string>,
    started: (child: ChildProcess) => void,
    lines: string[],
  ) =>
    new Promise<string[]>((resolve, reject) => {
      const child = spawn(process.execPath, [`${ROOT}${stage}/main.ts`], {
        env: { ...cleanEnv(), ...stageEnv },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      started(child);
      const output = () => lines.slice(-40).join('\n');
      let ready = false;
      const timer = setTimeout(
        () => reject(new Error(`${stage} not ready within 60 s:\n${output()}`)),
        60000,
      );
      const onData = (chunk: Buffer) => {
        for (const line of chunk.toString().split('\n')) {
          if (!line) continue;
          lines.push(line);
          if (lines.length > 400) lines.shift();
          if (!ready && line.includes('"msg":"lifecycle ready"')) {
            ready = true;
            clearTimeout(timer);
            resolve(lines);
          }
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        if (!ready) reject(new Error(`${stage} exited with code ${code} during start-up:\n${output()}`));
      });
    });

  /** SIGKILL: no drain, no flush, no commit — a crash. Resolves once the process is gone. */
  const kill = (stage: PipelineStage) =>
    new Promise<void>((resolve) => {
      const child = children.get(stage);
      if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });

  try {
    await Promise.all(stages.map(launch));
  } catch (err) {
    await stop();
    throw err;
  }
  const signal = (stage: PipelineStage, sig: NodeJS.Signals) => {
    children.get(stage)?.kill(sig);
  };
  const health = {
    validators: `http://127.0.0.1:${healthPorts.validators}`,
    router: `http://127.0.0.1:${healthPorts.router}`,
  };
  return {
    env,
    pki,
    topics,
    health,
    url: `https://127.0.0.1:${port}`,
    output,
    stop,
    kill,
    pid: (stage) => children.get(stage)?.pid,
    signal,
    restart: launch,
    async another(stage) {
      let child: ChildProcess | undefined;
      const lines: string[] = [];
      const port = await freePort();
      const own =
        stage === 'ingress'
          ? { AIRLOCK_INGRESS_PORT: String(port), AIRLOCK_INGRESS_TRANSACTIONAL_ID: `${prefix}-ingress-2` }
          : {
              [stage === 'validators' ? 'AIRLOCK_VALIDATORS_HEALTH_PORT' : 'AIRLOCK_ROUTER_HEALTH_PORT']: '0',
            };
      await spawnReady(
        stage,
        { ...env, ...own },
        (c) => {
          child = c;
          extras.push(c);
        },
        lines,
      );
      return {
        url: `https://127.0.0.1:${port}`,
        output: () => lines.slice(-40).join('\n'),
        stop: (sig: NodeJS.Signals = 'SIGTERM') =>
          new Promise<void>((resolve) => {
            if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill(sig);
          }),
      };
    },
  };
}

/**
 * `npm run revoke <token>` against a pipeline's Redis, as an operator runs it; the script's result
 * (the callers assert its status and output).
 */
export function revokeWithScript(s: Services, p: Pipeline, token: string) {
  return spawnSync(process.execPath, [`${ROOT}scripts/revoke.ts`, token], {
    env: {
      ...process.env,
      AIRLOCK_REDIS_URL: s.redisUrl,
      AIRLOCK_REDIS_KEY_PREFIX: p.env.AIRLOCK_REDIS_KEY_PREFIX ?? '',
    },
    encoding: 'utf8',
  });
}
