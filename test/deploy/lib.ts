import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { parseAllDocuments } from 'yaml';
import { createMetrics } from '../../shared/metrics.js';

export const ROOT = join(import.meta.dirname, '..', '..');
export const KUBERNETES_DIR = join(ROOT, 'deploy', 'kubernetes');

export function readText(path: string): string {
  return readFileSync(join(ROOT, path), 'utf8');
}

export interface Manifest {
  /** Relative to the repository, e.g. deploy/kubernetes/ingress.yaml. */
  readonly file: string;
  /** Position among the file's documents. */
  readonly index: number;
  /** Read from YAML: its shape is what the schema checks establish, so the tests read it untyped. */
  readonly doc: any;
}

/** Every YAML document of `path`; a syntax error, a duplicate key or an empty document fails the load. */
export function loadYamlDocuments(path: string): Manifest[] {
  const text = readText(path);
  return parseAllDocuments(text, { uniqueKeys: true, prettyErrors: true }).map((document, index) => {
    const problems = [...document.errors, ...document.warnings];
    if (problems.length > 0) throw new Error(`${path} #${index}: ${problems.map((problem) => problem.message).join('; ')}`);
    const doc: unknown = document.toJS();
    if (doc === null || typeof doc !== 'object') throw new Error(`${path} #${index}: not a mapping`);
    return { file: path, index, doc };
  });
}

/** The .yaml / .yml files under `dir`, recursively, relative to the repository. */
export function yamlFilesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.ya?ml$/.test(entry.name))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)))
    .sort();
}

// ---------------------------------------------------------------------------------------------------------------
// What /metrics exposes, from the code's own registry

export interface MetricCatalogue {
  /** Every series name a scrape can hold: histograms as their _bucket, _sum and _count. */
  readonly names: ReadonlySet<string>;
  /** The label names of each series name (histogram buckets add `le`). */
  readonly labels: ReadonlyMap<string, ReadonlySet<string>>;
}

/** Labels a scrape adds to every series (Prometheus' own, and the usual Kubernetes pod relabelling / PodMonitor). */
export const TARGET_LABELS = new Set(['job', 'instance', 'namespace', 'pod', 'container', 'service', 'endpoint', 'node']);

export async function metricCatalogue(): Promise<MetricCatalogue> {
  const { registry } = createMetrics();
  const names = new Set<string>();
  const labels = new Map<string, Set<string>>();
  const add = (name: string, labelNames: readonly string[]) => {
    names.add(name);
    labels.set(name, new Set(labelNames));
  };
  for (const metric of await registry.getMetricsAsJSON()) {
    const own = (registry.getSingleMetric(metric.name) as unknown as { labelNames?: readonly string[] } | undefined)?.labelNames ?? [];
    const type = String(metric.type);
    if (type === 'histogram') {
      add(`${metric.name}_bucket`, [...own, 'le']);
      add(`${metric.name}_sum`, own);
      add(`${metric.name}_count`, own);
    } else if (type === 'summary') {
      add(metric.name, [...own, 'quantile']);
      add(`${metric.name}_sum`, own);
      add(`${metric.name}_count`, own);
    } else {
      add(metric.name, own);
    }
  }
  return { names, labels };
}

// ---------------------------------------------------------------------------------------------------------------
// PromQL, parsed with Prometheus' own grammar (the one its web UI uses)

export interface Selector {
  readonly metric: string | null;
  readonly labels: readonly string[];
  readonly text: string;
}

export interface ParsedPromQL {
  /** Syntax errors: the text around each. */
  readonly errors: readonly string[];
  readonly selectors: readonly Selector[];
}

export function parsePromQL(expr: string): ParsedPromQL {
  const tree = parser.parse(expr);
  const errors: string[] = [];
  const selectors: Selector[] = [];
  tree.iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(`at ${node.from}: '${expr.slice(Math.max(0, node.from - 10), node.to + 10)}'`);
      if (node.name !== 'VectorSelector') return;
      const identifier = node.node.getChild('Identifier');
      const labels: string[] = [];
      const matchers = node.node.getChild('LabelMatchers');
      if (matchers) {
        for (let child = matchers.firstChild; child; child = child.nextSibling) {
          const name = child.getChild('LabelName');
          if (name) labels.push(expr.slice(name.from, name.to));
        }
      }
      selectors.push({ metric: identifier ? expr.slice(identifier.from, identifier.to) : null, labels, text: expr.slice(node.from, node.to) });
    },
  });
  return { errors, selectors };
}

/** What is wrong with the series an expression selects: unknown metric names, label names the metric does not have. */
export function selectorProblems(expr: string, catalogue: MetricCatalogue): string[] {
  const { errors, selectors } = parsePromQL(expr);
  const problems = errors.map((error) => `syntax error ${error}`);
  if (selectors.length === 0) problems.push('selects no series');
  for (const selector of selectors) {
    if (selector.metric === null) {
      problems.push(`${selector.text}: no metric name`);
      continue;
    }
    const known = catalogue.labels.get(selector.metric);
    if (!known) {
      problems.push(`${selector.metric}: not a metric of shared/metrics.ts`);
      continue;
    }
    for (const label of selector.labels) {
      if (!known.has(label) && !TARGET_LABELS.has(label)) problems.push(`${selector.text}: ${selector.metric} has no label ${label}`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// Kubernetes quantities

/** A memory quantity (`256Mi`, `1G`, `512`) in bytes. */
export function bytesOf(quantity: string | number): number {
  const match = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(String(quantity));
  if (!match) throw new Error(`not a memory quantity: ${quantity}`);
  const factor = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 }[match[2] ?? ''] ?? 1;
  return Number(match[1]) * factor;
}

/** A CPU quantity (`250m`, `1`, `0.5`) in cores. */
export function coresOf(quantity: string | number): number {
  const match = /^(\d+(?:\.\d+)?)(m)?$/.exec(String(quantity));
  if (!match) throw new Error(`not a CPU quantity: ${quantity}`);
  return Number(match[1]) / (match[2] ? 1000 : 1);
}

/** Prometheus' duration syntax, as `for:` takes it. */
export const PROMETHEUS_DURATION = /^((\d+)y)?((\d+)w)?((\d+)d)?((\d+)h)?((\d+)m)?((\d+)s)?((\d+)ms)?$/;
