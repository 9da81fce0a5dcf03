import qs from 'qs';

/**
 * RetailOPS sends GET parameters in bracket notation (`data[channel][id]=21`, `data[order][acks][]=496`), which
 * Fastify's flat parser would keep as literal keys. qs nests them; the limits keep a hostile query string cheap.
 */
export function parseQueryString(query: string): Record<string, unknown> {
  return qs.parse(query, {
    depth: 8,
    arrayLimit: 1000,
    parameterLimit: 2000,
    allowPrototypes: false,
    plainObjects: true,
    duplicates: 'combine',
  }) as Record<string, unknown>;
}

const SECRET_PARAM = /((?:^|[?&])[^=&]*(?:ticket|token)[^=&]*=)[^&]*/gi;

/** The URL as logged: ticket and token parameters censored. */
export function redactUrl(url: string): string {
  return url.replace(SECRET_PARAM, '$1[redacted]');
}
