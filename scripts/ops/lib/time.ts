import { UsageError } from './core.js';

const UNIT_MS: Readonly<Record<string, number>> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export const TIME_OPTION_HELP = 'an ISO time with its zone (2026-11-30T14:00:00Z), a date (UTC), or a duration back from now (90m, 24h, 7d)';

/**
 * A point in time for --since/--until, as a function of now (the command's clock, fixed by tests): an ISO 8601
 * date-time with its zone (one without would be read in the operator's zone, while the services log in UTC), a
 * date (UTC midnight), or `<n><s|m|h|d>` back from now.
 */
export function timeOption(name: string, value: string): (now: number) => number {
  const duration = /^(\d+)\s*([smhd])$/i.exec(value);
  if (duration) {
    const ms = Number(duration[1]) * (UNIT_MS[(duration[2] as string).toLowerCase()] ?? 0);
    return (now) => now - ms;
  }
  if (/^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d))?$/.test(value)) {
    const time = Date.parse(value);
    if (Number.isFinite(time)) return () => time;
  }
  throw new UsageError(`--${name} must be ${TIME_OPTION_HELP}, not "${value}"`);
}
