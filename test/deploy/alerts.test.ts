import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { PROMETHEUS_DURATION, metricCatalogue, parsePromQL, readText, selectorProblems, type MetricCatalogue } from './lib.js';

/**
 * deploy/prometheus/alerts.yml: a rules file Prometheus would load (groups[].rules[] with alert, expr, for, labels,
 * annotations), each expression valid PromQL over series the code's registry exposes, covering the alerts
 * docs/operations.md documents; and the PrometheusRule of deploy/kubernetes/monitoring carries the same groups.
 */

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

const RULES_FILE = 'deploy/prometheus/alerts.yml';
const rulesFile = parse(readText(RULES_FILE), { uniqueKeys: true }) as { groups: { name: string; rules: Rule[] }[] };
const rules = rulesFile.groups.flatMap((group) => group.rules);
const operations = readText('docs/operations.md');

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function anchorOf(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

describe('deploy/prometheus/alerts.yml', () => {
  let catalogue: MetricCatalogue;

  it('is a Prometheus rules file: groups of alerting rules with the fields Prometheus takes, and no others', () => {
    expect(Object.keys(rulesFile)).toEqual(['groups']);
    expect(rulesFile.groups.length).toBeGreaterThan(0);
    const groupNames = rulesFile.groups.map((group) => group.name);
    expect(new Set(groupNames).size).toBe(groupNames.length);
    for (const group of rulesFile.groups) {
      expect(Object.keys(group).filter((key) => !['name', 'interval', 'rules', 'limit', 'labels'].includes(key)), group.name).toEqual([]);
      expect(group.rules.length, group.name).toBeGreaterThan(0);
    }
    const alertNames = rules.map((rule) => rule.alert);
    expect(new Set(alertNames).size, 'alert names are unique').toBe(alertNames.length);
    for (const rule of rules) {
      expect(Object.keys(rule).filter((key) => !['alert', 'expr', 'for', 'keep_firing_for', 'labels', 'annotations'].includes(key)), rule.alert).toEqual([]);
      expect(rule.alert).toMatch(/^RetailOpsBridge[A-Z][A-Za-z0-9]+$/);
      expect(typeof rule.expr, rule.alert).toBe('string');
      if (rule.for !== undefined) expect(rule.for, rule.alert).toMatch(PROMETHEUS_DURATION);
      expect(['critical', 'warning', 'info'], rule.alert).toContain(rule.labels?.['severity']);
      for (const value of Object.values({ ...rule.labels, ...rule.annotations })) expect(typeof value, rule.alert).toBe('string');
      expect(rule.annotations?.['summary'], rule.alert).toBeTruthy();
      expect(rule.annotations?.['description'], rule.alert).toBeTruthy();
    }
  });

  it("every expression is valid PromQL whose series exist in shared/metrics.ts's registry, with labels they carry", async () => {
    catalogue = await metricCatalogue();
    // Sanity: the catalogue holds the families docs/operations.md lists, histograms by their series.
    for (const name of ['rob_jobs', 'rob_job_failures_total', 'rob_job_duration_seconds_bucket', 'rob_process_cpu_seconds_total']) {
      expect(catalogue.names.has(name), name).toBe(true);
    }
    const problems = rules.flatMap((rule) => selectorProblems(rule.expr, catalogue).map((problem) => `${rule.alert}: ${problem}`));
    expect(problems).toEqual([]);
  });

  it('the checks catch a misspelt metric, a label the metric lacks, and broken syntax', async () => {
    catalogue ??= await metricCatalogue();
    expect(selectorProblems('max by (queue) (rob_queue_oldest_waiting_job_age) > 300', catalogue)).toEqual([
      'rob_queue_oldest_waiting_job_age: not a metric of shared/metrics.ts',
    ]);
    expect(selectorProblems('sum(rob_jobs{status="waiting"})', catalogue)).toEqual(['rob_jobs{status="waiting"}: rob_jobs has no label status']);
    expect(selectorProblems('sum(rate(rob_job_retries_total[5m]) > 0', catalogue)[0]).toMatch(/^syntax error/);
  });

  it('covers every alert docs/operations.md suggests: each metric its list names is used by a rule', () => {
    const start = operations.indexOf('Alerts worth having:');
    const end = operations.indexOf('Not an alert', start);
    expect(start).toBeGreaterThan(0);
    expect(end).toBeGreaterThan(start);
    const documented = new Set(operations.slice(start, end).match(/rob_[a-z_]+/g) ?? []);
    expect(documented.size).toBeGreaterThanOrEqual(8);
    const used = new Set(rules.flatMap((rule) => parsePromQL(rule.expr).selectors.map((selector) => selector.metric)));
    expect([...documented].filter((name) => !used.has(name))).toEqual([]);
  });

  it('runbook annotations point at headings of docs/operations.md', () => {
    const anchors = new Set([...operations.matchAll(/^#{1,6} (.+)$/gm)].map((match) => anchorOf(match[1] ?? '')));
    const runbooks = rules.flatMap((rule) => (rule.annotations?.['runbook'] ? [rule.annotations['runbook']] : []));
    expect(runbooks.length).toBeGreaterThan(0);
    for (const runbook of runbooks) {
      const [file, anchor] = runbook.split('#');
      expect(file).toBe('docs/operations.md');
      expect(anchors.has(anchor ?? ''), runbook).toBe(true);
    }
  });

  it("deploy/kubernetes/monitoring's PrometheusRule carries exactly these groups", () => {
    const rule = parse(readText('deploy/kubernetes/monitoring/prometheusrule.yaml'), { uniqueKeys: true }) as { kind: string; spec: unknown };
    expect(rule.kind).toBe('PrometheusRule');
    expect(rule.spec).toEqual(rulesFile);
  });
});
