import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';
import { describe, expect, it } from 'vitest';

/**
 * The README promises Node 20.19+ and 22.13+ (`engines` in package.json): every locked package must accept the
 * oldest of each line. npm only warns with EBADENGINE, so an upgrade that needs Node 22 would otherwise slip in.
 */
const root = join(import.meta.dirname, '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
};

describe('Node version support', () => {
  it('every locked package accepts the oldest supported Node 20 and Node 22', () => {
    const oldest = semver.minVersion(manifest.engines.node);
    expect(oldest?.version).toBe('20.19.0');
    expect(semver.satisfies('22.13.0', manifest.engines.node)).toBe(true);
    const refusing = Object.entries(lock.packages)
      .filter(([path]) => path !== '')
      .flatMap(([path, entry]) => {
        const range = !entry.engines || Array.isArray(entry.engines) ? undefined : entry.engines.node;
        if (!range) return [];
        const accepts = (version: string) => semver.satisfies(version, range, { includePrerelease: true });
        return accepts(oldest?.version ?? '0.0.0') && accepts('22.13.0') ? [] : [`${path}@${entry.version ?? '?'} needs node ${range}`];
      });
    expect(refusing).toEqual([]);
  });
});
