import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as ingressErrors from '../../ingress/errors.js';

/** docs/errors.md lists every code the service answers or reports with; this keeps the two in sync. */
const root = join(import.meta.dirname, '..', '..');
const doc = readFileSync(join(root, 'docs', 'errors.md'), 'utf8');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function codesIn(pattern: RegExp, dirs: string[]): string[] {
  const codes = new Set<string>();
  for (const file of dirs.flatMap((dir) => sourceFiles(join(root, dir)))) {
    for (const match of readFileSync(file, 'utf8').matchAll(pattern)) if (match[1]) codes.add(match[1]);
  }
  return [...codes].sort();
}

describe('docs/errors.md', () => {
  it('lists every ingress error code', () => {
    const defined = Object.values(ingressErrors).map((ErrorClass) => new ErrorClass('x').code);
    const literal = codesIn(/code: '(ROB_[A-Z_]+)'/g, ['ingress']);
    for (const code of [...defined, ...literal]) expect(doc, `${code} is missing from docs/errors.md`).toContain(`\`${code}\``);
  });

  it('lists every failure event code the workers and ingress raise', () => {
    const rejected = codesIn(/new ActionRejectedError\(\s*'([A-Z_]+)'/g, ['workers']);
    const events = codesIn(/code: '([A-Z_]+)'/g, ['ingress/routes']);
    expect(rejected.length).toBeGreaterThan(3);
    for (const code of [...rejected, ...events]) expect(doc, `${code} is missing from docs/errors.md`).toContain(`\`${code}\``);
  });
});
