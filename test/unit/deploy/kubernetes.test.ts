/**
 * deploy/kubernetes: each overlay, rendered by a real kustomize (built once from the Go module
 * proxy by stack/go-tool.sh), validates against the Kubernetes API schemas offline
 * (kubernetes-models, which carries them), and holds what a regulated deployment needs: probes on
 * the health endpoints, resource requests, a hardened security context, disruption budgets that
 * select their pods, an autoscaler for the ingress, a default-deny network policy, consumer stages
 * no wider than their partitions, and an airlock.yaml that each stage's configuration schema accepts
 * in that overlay's environment.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Service, ServiceAccount } from 'kubernetes-models/v1';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../../../core/config/load.ts';
import type { StageName } from '../../../core/stage/names.ts';
import { ROOT } from '../../../scripts/lib/stack-env.ts';

const MODELS: Record<string, new (o: never) => { validate(): void }> = {
  'apps/v1/Deployment': Deployment,
  'apps/v1/StatefulSet': StatefulSet,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'v1/ConfigMap': ConfigMap,
  'v1/Namespace': Namespace,
  'v1/Service': Service,
  'v1/ServiceAccount': ServiceAccount,
};

interface Container {
  name: string;
  command: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  ports?: { name: string; containerPort: number }[];
  readinessProbe?: { httpGet?: { path: string; port: string }; exec?: { command: string[] } };
  livenessProbe?: unknown;
  resources?: { requests?: { cpu?: string; memory?: string }; limits?: { memory?: string } };
  securityContext?: {
    readOnlyRootFilesystem?: boolean;
    allowPrivilegeEscalation?: boolean;
    capabilities?: { drop?: string[] };
  };
}
interface Doc {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  spec?: {
    replicas?: number;
    selector?: { matchLabels?: Record<string, string> };
    scaleTargetRef?: { kind: string; name: string };
    podSelector?: Record<string, unknown>;
    policyTypes?: string[];
    template?: {
      metadata: { labels: Record<string, string> };
      spec: {
        securityContext?: { runAsNonRoot?: boolean };
        automountServiceAccountToken?: boolean;
        containers: Container[];
      };
    };
  };
}

const kustomize = execFileSync(
  'bash',
  [`${ROOT}stack/go-tool.sh`, 'kustomize', 'sigs.k8s.io/kustomize/kustomize/v5@v5.5.0'],
  { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
).trim();
const render = (overlay: string): Doc[] =>
  parseAllDocuments(
    execFileSync(kustomize, ['build', `${ROOT}deploy/kubernetes/${overlay}`], { encoding: 'utf8' }),
  ).map((d) => d.toJS() as Doc);

for (const [overlay, environment] of [
  ['overlays/staging', 'staging'],
  ['overlays/production', 'production'],
] as const) {
  describe(`deploy/kubernetes/${overlay}`, () => {
    const docs = render(overlay);
    const workloads = docs.filter((d) => d.kind === 'Deployment' || d.kind === 'StatefulSet');

    it('every object validates against its Kubernetes API schema', () => {
      assert.ok(docs.length >= 15, `${docs.length} objects`);
      for (const d of docs) {
        const Model = MODELS[`${d.apiVersion}/${d.kind}`];
        assert.ok(Model, `no schema model for ${d.apiVersion} ${d.kind}`);
        assert.doesNotThrow(() => new Model(d as never).validate(), `${d.kind}/${d.metadata.name}`);
      }
      assert.equal(
        new Set(docs.map((d) => d.metadata.namespace ?? d.metadata.name)).size,
        1,
        'one namespace',
      );
    });

    it('every stage runs hardened, with probes and resource requests, in the overlay’s environment', () => {
      assert.deepEqual(workloads.map((w) => w.metadata.name).sort(), [
        'airlock-ingress',
        'airlock-router',
        'airlock-validators',
      ]);
      for (const w of workloads) {
        const pod = w.spec?.template?.spec;
        assert.ok(pod, w.metadata.name);
        assert.equal(pod.securityContext?.runAsNonRoot, true, w.metadata.name);
        assert.equal(pod.automountServiceAccountToken, false, w.metadata.name);
        for (const c of pod.containers) {
          const where = `${w.metadata.name}/${c.name}`;
          assert.ok(c.readinessProbe && c.livenessProbe, `${where}: probes`);
          assert.ok(
            c.resources?.requests?.cpu && c.resources.requests.memory && c.resources.limits?.memory,
            `${where}: resources`,
          );
          assert.equal(c.securityContext?.readOnlyRootFilesystem, true, where);
          assert.equal(c.securityContext?.allowPrivilegeEscalation, false, where);
          assert.deepEqual(c.securityContext?.capabilities?.drop, ['ALL'], where);
          assert.equal(c.env?.find((e) => e.name === 'AIRLOCK_ENV')?.value, environment, where);
          // A secret only by reference, never a value in the manifests.
          assert.ok(
            c.env?.find((e) => e.name === 'REDIS_PASSWORD')?.valueFrom,
            `${where}: REDIS_PASSWORD from a Secret`,
          );
        }
      }
    });

    it('airlock.yaml is valid for each stage in this environment, and the manifests agree with it', () => {
      const map = docs.find((d) => d.kind === 'ConfigMap' && d.metadata.name === 'airlock-config');
      const text = map?.data?.['airlock.yaml'];
      assert.ok(text, 'no airlock.yaml in the ConfigMap');
      const file = join(mkdtempSync(join(tmpdir(), 'airlock-k8s-')), 'airlock.yaml');
      writeFileSync(file, text);
      for (const w of workloads) {
        const c = w.spec?.template?.spec.containers[0];
        assert.ok(c);
        const stage = c.command[1]?.split('/')[0] as StageName;
        const env: Record<string, string> = { REDIS_PASSWORD: 'from-a-secret' };
        for (const e of c.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
        env.AIRLOCK_CONFIG_FILE = file;
        const config = loadConfig(env, stage);
        const port = c.ports?.[0]?.containerPort;
        if (stage === 'ingress') {
          assert.equal(port, config.ingress.port);
          assert.equal(config.ingress.host, '0.0.0.0');
        } else {
          assert.equal(
            port,
            stage === 'validators' ? config.validators.healthPort : config.router.healthPort,
          );
          assert.equal(config.healthHost, '0.0.0.0', 'the health port must be reachable by the kubelet');
          assert.ok(
            (w.spec?.replicas ?? 1) <= config.topics.partitions,
            `${stage}: more instances than partitions`,
          );
          assert.equal(c.readinessProbe?.httpGet?.path, '/health/ready');
        }
      }
    });

    it('the budgets and the autoscaler select real workloads; the network is denied by default', () => {
      const labelsOf = (name: string) =>
        workloads.find((w) => w.metadata.name === name)?.spec?.template?.metadata.labels ?? {};
      const budgets = docs.filter((d) => d.kind === 'PodDisruptionBudget');
      assert.equal(budgets.length, 3);
      for (const b of budgets) {
        const labels = labelsOf(b.metadata.name);
        for (const [k, v] of Object.entries(b.spec?.selector?.matchLabels ?? {}))
          assert.equal(labels[k], v, b.metadata.name);
      }
      const hpa = docs.find((d) => d.kind === 'HorizontalPodAutoscaler');
      assert.equal(hpa?.spec?.scaleTargetRef?.kind, 'StatefulSet');
      assert.ok(
        workloads.some(
          (w) => w.kind === 'StatefulSet' && w.metadata.name === hpa?.spec?.scaleTargetRef?.name,
        ),
      );
      const deny = docs.find((d) => d.kind === 'NetworkPolicy' && d.metadata.name === 'default-deny');
      assert.deepEqual(deny?.spec?.podSelector, {});
      assert.deepEqual(deny?.spec?.policyTypes, ['Ingress', 'Egress']);
    });
  });
}
