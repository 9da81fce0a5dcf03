import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { channelsFileSchema, envSchema } from '../../shared/config.js';
import { KUBERNETES_DIR, ROOT, bytesOf, coresOf, loadYamlDocuments, metricCatalogue, readText, selectorProblems, yamlFilesUnder, type Manifest } from './lib.js';
import { schemaProblems, unknownFieldProblems } from './schemas.js';

/**
 * deploy/kubernetes validates against the Kubernetes, KEDA and prometheus-operator schemas, field by field, and
 * agrees with the code and the benchmarks it cites: probe paths and ports, the shutdown budget, the variables, the
 * measured memory, the worker cap's arithmetic, the metric the autoscaler reads.
 */

const files = yamlFilesUnder(KUBERNETES_DIR);
const kustomizations = files.filter((file) => file.endsWith('/kustomization.yaml'));
const manifestFiles = files.filter((file) => !file.endsWith('/kustomization.yaml'));
const manifests: Manifest[] = manifestFiles.flatMap(loadYamlDocuments);

function only(kind: string, name: string): Manifest['doc'] {
  const found = manifests.filter(({ doc }) => doc.kind === kind && doc.metadata?.name === name);
  if (found.length !== 1) throw new Error(`expected one ${kind} ${name} in deploy/kubernetes, found ${found.length}`);
  return found[0]?.doc;
}

const config = only('ConfigMap', 'retailops-bridge-config');
const ingress = only('Deployment', 'retailops-bridge-ingress');
const worker = only('Deployment', 'retailops-bridge-worker');
const scaledObject = only('ScaledObject', 'retailops-bridge-worker');
const deployments = [ingress, worker];

/** The ConfigMap's value of a variable, else the code's default. */
function setting(name: keyof typeof envSchema.shape): unknown {
  const parsed = envSchema.safeParse(config.data);
  if (!parsed.success) throw new Error(parsed.error.message);
  return parsed.data[name];
}

function containerOf(deployment: Manifest['doc']) {
  const containers = deployment.spec.template.spec.containers;
  expect(containers, deployment.metadata.name).toHaveLength(1);
  return containers[0];
}

function envValue(container: { env?: { name: string; value?: string }[] }, name: string): string | undefined {
  return container.env?.find((entry) => entry.name === name)?.value;
}

function matches(selector: Record<string, string>, labels: Record<string, string>): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

describe('deploy/kubernetes: the schemas', () => {
  it('every file holds Kubernetes objects (and there is something to check)', () => {
    expect(manifests.length).toBeGreaterThanOrEqual(10);
    for (const { file, index, doc } of manifests) {
      expect(typeof doc.apiVersion, `${file} #${index} apiVersion`).toBe('string');
      expect(typeof doc.kind, `${file} #${index} kind`).toBe('string');
      expect(doc.metadata?.name, `${file} #${index} metadata.name`).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    }
  });

  it('every object validates against its JSON schema (kubernetes-models, @kubernetes-models/keda, /prometheus-operator)', async () => {
    expect(await schemaProblems(manifests)).toEqual([]);
  });

  it('no object has a field its schema does not declare, as kubectl apply would refuse', () => {
    expect(unknownFieldProblems(manifests)).toEqual([]);
  });

  it('the unknown-field check does catch a misspelt field and a wrong value type', () => {
    const broken = structuredClone(manifests.find(({ doc }) => doc.kind === 'Deployment'));
    const keda = structuredClone(manifests.find(({ doc }) => doc.kind === 'ScaledObject'));
    if (!broken || !keda) throw new Error('fixtures missing');
    broken.doc.spec.template.spec.containers[0].livenesProbe = broken.doc.spec.template.spec.containers[0].livenessProbe;
    keda.doc.spec.triggers[0].metadata.threshold = 300;
    const problems = unknownFieldProblems([broken, keda]);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toContain('livenesProbe');
    expect(problems[1]).toMatch(/ScaledObject.*number.*string/);
  });

  it('each kustomization lists exactly the manifests of its directory (templates *.example.yaml aside), in one namespace', () => {
    const namespaces = new Set<string>();
    for (const file of kustomizations) {
      const kustomization = parse(readText(file)) as { apiVersion: string; kind: string; namespace?: string; resources: string[] };
      expect(kustomization.apiVersion).toBe('kustomize.config.k8s.io/v1beta1');
      expect(kustomization.kind).toBe('Kustomization');
      const dir = dirname(file);
      for (const resource of kustomization.resources) expect(existsSync(join(ROOT, dir, resource)), `${file}: ${resource}`).toBe(true);
      const here = manifestFiles.filter((manifest) => dirname(manifest) === dir && !manifest.endsWith('.example.yaml'));
      expect(kustomization.resources.map((resource) => join(dir, resource)).sort()).toEqual(here);
      namespaces.add(kustomization.namespace ?? '');
    }
    expect([...namespaces]).toEqual(['retailops-bridge']);
    expect(only('Namespace', 'retailops-bridge')).toBeDefined();
  });

  const kubectl = (() => {
    try {
      execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();

  // Where kubectl is installed: kustomize itself builds each directory (CI without kubectl relies on the test above).
  it.runIf(kubectl)('kubectl kustomize builds every kustomization', () => {
    for (const file of kustomizations) {
      const built = execFileSync('kubectl', ['kustomize', join(ROOT, dirname(file))], { encoding: 'utf8' });
      const kinds = built.split('\n').filter((line) => line.startsWith('kind: '));
      expect(kinds.length, file).toBeGreaterThan(0);
      expect(built, file).toContain('namespace: retailops-bridge');
    }
  });
});

describe('deploy/kubernetes: agrees with the code', () => {
  it('the ConfigMap and the Secret template set only variables shared/config.ts reads, with valid values', () => {
    const known = new Set(Object.keys(envSchema.shape));
    const secrets = manifests.filter(({ doc }) => doc.kind === 'Secret' && doc.metadata.name === 'retailops-bridge-secrets');
    expect(secrets).toHaveLength(1);
    const keys = [...Object.keys(config.data), ...Object.keys(secrets[0]?.doc.stringData ?? {})];
    expect(keys.filter((key) => !known.has(key))).toEqual([]);
    expect(envSchema.safeParse(config.data).error?.message).toBeUndefined();
    for (const deployment of deployments) {
      const names = (containerOf(deployment).env ?? []).map((entry: { name: string }) => entry.name);
      expect(names.filter((name: string) => !known.has(name) && name !== 'NODE_OPTIONS'), deployment.metadata.name).toEqual([]);
    }
  });

  it('listens on the pod address: probes from the kubelet cannot reach 127.0.0.1', () => {
    expect(config.data.HOST).toBe('0.0.0.0');
  });

  it('the channels template cannot run as is, and is the shape CHANNELS_FILE takes once filled in', () => {
    const secret = only('Secret', 'retailops-bridge-channels');
    const template = JSON.parse(secret.stringData['channels.json']) as { channels: Record<string, unknown>[] };
    expect(channelsFileSchema.safeParse(template).success).toBe(false);
    const filled = {
      channels: template.channels.map((channel) => ({
        ...channel,
        clientId: '497',
        channelId: '21',
        tokens: ['a-token-of-sixteen+'],
        fabric: { ...(channel['fabric'] as object), authUrl: 'https://example.login.fabric.inc/oauth2/default/v1/token', clientId: 'c', clientSecret: 's', tenantId: 't' },
      })),
    };
    expect(channelsFileSchema.safeParse(filled).error?.message).toBeUndefined();
    expect(secret.stringData['REDIS_URL']).toBeUndefined();
    expect(only('Secret', 'retailops-bridge-secrets').stringData.REDIS_URL).toBe('');
  });

  it('both Deployments read the ConfigMap and Secret, and mount the channels Secret where CHANNELS_FILE points', () => {
    for (const deployment of deployments) {
      const container = containerOf(deployment);
      const sources = container.envFrom.map((source: { configMapRef?: { name: string }; secretRef?: { name: string } }) => source.configMapRef?.name ?? source.secretRef?.name);
      expect(sources, deployment.metadata.name).toEqual(['retailops-bridge-config', 'retailops-bridge-secrets']);
      const mount = container.volumeMounts.find((entry: { name: string }) => entry.name === 'channels');
      expect(mount?.subPath, 'a subPath mount never sees a rotated Secret').toBeUndefined();
      expect(join(mount.mountPath, 'channels.json')).toBe(config.data.CHANNELS_FILE);
      const volume = deployment.spec.template.spec.volumes.find((entry: { name: string }) => entry.name === 'channels');
      expect(volume.secret.secretName).toBe('retailops-bridge-channels');
    }
  });

  it('probes call /healthz and /readyz on the ports the processes listen on', () => {
    expect(readText('ingress/routes/health.ts')).toMatch(/'\/healthz'[\s\S]*'\/readyz'/);
    expect(readText('workers/health-server.ts')).toMatch(/'\/healthz'[\s\S]*'\/readyz'/);
    const expected = [
      { deployment: ingress, port: Number(setting('PORT')) },
      { deployment: worker, port: Number(setting('METRICS_PORT')) },
    ];
    for (const { deployment, port } of expected) {
      const container = containerOf(deployment);
      const ports = new Map<string, number>(container.ports.map((entry: { name: string; containerPort: number }) => [entry.name, entry.containerPort]));
      expect([...ports.values()], deployment.metadata.name).toEqual([port]);
      for (const [probe, path] of [['startupProbe', '/healthz'], ['livenessProbe', '/healthz'], ['readinessProbe', '/readyz']] as const) {
        const get = container[probe]?.httpGet;
        expect(get?.path, `${deployment.metadata.name} ${probe}`).toBe(path);
        expect(ports.get(get?.port), `${deployment.metadata.name} ${probe} port`).toBe(port);
      }
      expect(deployment.spec.template.metadata.annotations['prometheus.io/port']).toBe(String(port));
    }
  });

  it('terminationGracePeriodSeconds is above preStop + SHUTDOWN_TIMEOUT_MS (+ the workers\' 5 s last resort)', () => {
    const shutdownSeconds = Number(setting('SHUTDOWN_TIMEOUT_MS')) / 1000;
    // workers/main.ts gives close-with-grace SHUTDOWN_TIMEOUT_MS + 5000; the ingress closes within SHUTDOWN_TIMEOUT_MS.
    expect(readText('workers/main.ts')).toContain('config.shutdownTimeoutMs + 5000');
    for (const [deployment, lastResort] of [[ingress, 0], [worker, 5]] as const) {
      const command: string[] = containerOf(deployment).lifecycle?.preStop?.exec?.command ?? [];
      const preStop = command[0] === 'sleep' ? Number(command[1]) : 0;
      const needed = preStop + shutdownSeconds + lastResort;
      expect(deployment.spec.template.spec.terminationGracePeriodSeconds, deployment.metadata.name).toBeGreaterThan(needed);
    }
  });

  it('selectors match: Service and PodDisruptionBudgets reach their pods, autoscalers their Deployments, which leave replicas to them', () => {
    for (const deployment of deployments) {
      expect(matches(deployment.spec.selector.matchLabels, deployment.spec.template.metadata.labels)).toBe(true);
      expect(deployment.spec.replicas, `${deployment.metadata.name}: an autoscaler owns replicas`).toBeUndefined();
    }
    const service = only('Service', 'retailops-bridge-ingress');
    expect(matches(service.spec.selector, ingress.spec.template.metadata.labels)).toBe(true);
    expect(matches(service.spec.selector, worker.spec.template.metadata.labels)).toBe(false);
    expect(service.spec.ports[0].targetPort).toBe('http');
    for (const deployment of deployments) {
      const budgets = manifests.filter(({ doc }) => doc.kind === 'PodDisruptionBudget' && matches(doc.spec.selector.matchLabels, deployment.spec.template.metadata.labels));
      expect(budgets, deployment.metadata.name).toHaveLength(1);
    }
    const hpa = only('HorizontalPodAutoscaler', 'retailops-bridge-ingress');
    expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: ingress.metadata.name });
    expect(hpa.spec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(scaledObject.spec.scaleTargetRef.name).toBe(worker.metadata.name);
  });
});

describe('deploy/kubernetes: agrees with the benchmarks', () => {
  const memory = JSON.parse(readFileSync(join(ROOT, 'bench', 'results', 'memory.json'), 'utf8')) as { figures: { figure: string; value: number }[] };
  const latencyBound = JSON.parse(readFileSync(join(ROOT, 'bench', 'results', 'latency-bound.json'), 'utf8')) as {
    figures: { figure: string; ratio?: number }[];
  };

  it('every container has CPU and memory requests and limits, and its heap cap fits under its memory limit', () => {
    for (const deployment of deployments) {
      const container = containerOf(deployment);
      const { requests, limits } = container.resources;
      for (const quantity of [requests.cpu, limits.cpu]) expect(coresOf(quantity)).toBeGreaterThan(0);
      expect(coresOf(requests.cpu)).toBeLessThanOrEqual(coresOf(limits.cpu));
      expect(bytesOf(requests.memory)).toBeLessThanOrEqual(bytesOf(limits.memory));
      const heapMb = Number(/--max-old-space-size=(\d+)/.exec(envValue(container, 'NODE_OPTIONS') ?? '')?.[1]);
      expect(heapMb, `${deployment.metadata.name}: NODE_OPTIONS caps the heap`).toBeGreaterThan(0);
      // RSS is the old space plus code, buffers and the young generation: ~46 MB beside the heap at a worker's start,
      // 295 MB for the ingress's largest push with its 256 MB cap (docs/operations.md#sizing).
      expect(heapMb * 2 ** 20, deployment.metadata.name).toBeLessThan(bytesOf(limits.memory) * 0.6);
    }
    // The ingress sheds load on RSS before the kernel kills it at the limit.
    const maxRssMb = Number(envValue(containerOf(ingress), 'MAX_RSS_MB'));
    expect(maxRssMb * 2 ** 20).toBeLessThan(bytesOf(containerOf(ingress).resources.limits.memory));
  });

  it("the worker's memory request covers the RSS the memory benchmark measured", () => {
    const peak = memory.figures.find((figure) => figure.figure.startsWith('worker RSS, max over the run'));
    expect(peak?.value).toBeGreaterThan(0);
    expect(bytesOf(containerOf(worker).resources.requests.memory)).toBeGreaterThanOrEqual((peak?.value ?? Infinity) * 2 ** 20);
  });

  it('the worker cap is ceil(tenants x budget x latency / (efficiency x concurrency)), efficiency as benchmarked', () => {
    const annotations = scaledObject.metadata.annotations as Record<string, string>;
    const tenants = Number(annotations['retailops-bridge/cap-fabric-tenants']);
    const latency = Number(annotations['retailops-bridge/cap-fabric-latency-seconds']);
    const efficiency = Number(annotations['retailops-bridge/cap-slot-efficiency']);
    const budget = Number(setting('FABRIC_RATE_LIMIT_PER_SECOND'));
    const concurrency = Number(setting('WORKER_CONCURRENCY'));
    for (const value of [tenants, latency, efficiency, budget, concurrency]) expect(value).toBeGreaterThan(0);
    const cap = Math.ceil((tenants * budget * latency) / (efficiency * concurrency));
    expect(scaledObject.spec.maxReplicaCount).toBe(Math.max(cap, scaledObject.spec.minReplicaCount));
    expect(scaledObject.spec.minReplicaCount).toBeGreaterThanOrEqual(2);
    expect(scaledObject.spec.fallback.replicas).toBeLessThanOrEqual(scaledObject.spec.maxReplicaCount);
    // The efficiency is what one process reached at the default concurrency against a 100 ms fabric (± run-to-run noise).
    const measured = latencyBound.figures.find((figure) => figure.figure === 'concurrency 10 x 1 process')?.ratio;
    expect(Math.abs(efficiency - (measured ?? 0))).toBeLessThanOrEqual(0.1);
  });

  it("KEDA reads the bridge's own backlog metric: a Prometheus query over series shared/metrics.ts exposes", async () => {
    expect(scaledObject.spec.triggers).toHaveLength(1);
    const [trigger] = scaledObject.spec.triggers;
    expect(trigger.type).toBe('prometheus');
    // fallback needs AverageValue: desired pods = ceil(value / threshold).
    expect(trigger.metricType).toBe('AverageValue');
    expect(Number(trigger.metadata.threshold)).toBeGreaterThan(0);
    const catalogue = await metricCatalogue();
    expect(selectorProblems(trigger.metadata.query, catalogue)).toEqual([]);
    expect(trigger.metadata.query).toContain('rob_jobs');
    // Prioritized jobs (a sorted set) count with waiting ones; delayed ones do not (more workers cannot run them).
    expect(trigger.metadata.query).toMatch(/state=~"waiting\|prioritized"/);
    const kustomization = parse(readText('deploy/kubernetes/kustomization.yaml')) as { namespace: string };
    expect(trigger.metadata.query).toContain(`namespace="${kustomization.namespace}"`);
  });
});
