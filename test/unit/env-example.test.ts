import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../../shared/config.js';
import { sandboxEnvSchema } from '../../sandbox/config.js';

/** .env.example stays true to the code: it names every variable the service and sandbox read, and none else. */
const example = readFileSync(join(import.meta.dirname, '..', '..', '.env.example'), 'utf8');
// Set (`NAME=…`) or shown commented out (`# NAME=…`).
const read = [...Object.keys(envSchema.shape), ...Object.keys(sandboxEnvSchema.shape)];
const documented = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1] ?? ''));

describe('.env.example', () => {
  it('documents every variable shared/config.ts and sandbox/config.ts read', () => {
    expect(read.filter((name) => !documented.has(name))).toEqual([]);
  });

  it('names no variable the service does not read', () => {
    const known = new Set(read);
    expect([...documented].filter((name) => !known.has(name))).toEqual([]);
  });
});
