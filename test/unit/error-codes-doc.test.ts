import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as ingressErrors from '../../ingress/errors.js';
import { EVENT_CODES } from '../../shared/events/codes.js';

/** docs/errors.md lists every code the service answers or reports with; this keeps the two in sync. */
const root = join(import.meta.dirname, '..', '..');
const doc = readFileSync(join(root, 'docs', 'errors.md'), 'utf8');
const [answersSection = '', eventsSection = ''] = doc.split('## Failure event codes');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** The codes a table names in its first column, row by row. */
function firstColumns(section: string): string[][] {
  return section
    .split('\n')
    .filter((line) => line.startsWith('| ') && !line.startsWith('| code '))
    .map((line) => [...(line.split('|')[1] ?? '').matchAll(/`([^`]+)`/g)].map((match) => match[1] ?? ''));
}

function isErrorClass(value: unknown): value is new (message: string) => Error & { code: string } {
  return typeof value === 'function' && value.prototype instanceof Error;
}

describe('docs/errors.md', () => {
  it('lists every code an ingress answer carries', () => {
    const classes = Object.values(ingressErrors).filter(isErrorClass);
    expect(classes.length).toBeGreaterThan(5);
    // The few answers written without an error class (the 500, the 404, the fallback for a code-less client error).
    const literal = new Set<string>();
    for (const file of sourceFiles(join(root, 'ingress'))) {
      for (const match of readFileSync(file, 'utf8').matchAll(/'(ROB_[A-Z_]+)'/g)) literal.add(match[1] ?? '');
    }
    expect(literal).toContain('ROB_BAD_REQUEST');
    const documented = firstColumns(answersSection).flat();
    for (const code of [...classes.map((ErrorClass) => new ErrorClass('x').code), ...literal]) {
      expect(documented, `${code} is missing from docs/errors.md`).toContain(code);
    }
  });

  it('lists every event code the bridge emits (shared/events/codes.ts)', () => {
    const documented = firstColumns(eventsSection).flat();
    for (const code of Object.values(EVENT_CODES)) expect(documented, `${code} is missing from docs/errors.md`).toContain(code);
  });

  it('lists no event code the bridge does not emit, bar fabric’s own', () => {
    const ours = new Set<string>(Object.values(EVENT_CODES));
    const rows = firstColumns(eventsSection).filter((codes) => !codes.includes('errorCode'));
    expect(rows.length).toBeGreaterThan(10);
    for (const code of rows.flat()) expect(ours, `${code} is documented but not in EVENT_CODES`).toContain(code);
  });
});
