import { afterEach, describe, expect, it } from 'vitest';
import { parseQueryString, redactUrl } from '../../ingress/querystring.js';

describe('ingress/querystring', () => {
  describe('parseQueryString', () => {
    afterEach(() => {
      // Belt and braces: never leave a polluted prototype behind for other tests.
      delete (Object.prototype as Record<string, unknown>)['polluted'];
    });

    it('nests bracket notation', () => {
      expect(parseQueryString('data[channel][id]=21&data[order][acks][]=496')).toEqual({
        data: { channel: { id: '21' }, order: { acks: ['496'] } },
      });
    });

    it('collects repeated list entries and repeated keys', () => {
      expect(parseQueryString('acks[]=1&acks[]=2')).toEqual({ acks: ['1', '2'] });
      expect(parseQueryString('x=1&x=2')).toEqual({ x: ['1', '2'] });
    });

    it('decodes percent-encoding, both in values and in bracketed keys', () => {
      expect(parseQueryString('base_uri=http%3A%2F%2F172.16.4.130%2Fmagento1921&t=1%2C1%2C0')).toEqual({
        base_uri: 'http://172.16.4.130/magento1921',
        t: '1,1,0',
      });
      expect(parseQueryString('headers%5Bticket%5D=abc')).toEqual({ headers: { ticket: 'abc' } });
    });

    it('keeps empty values as empty strings', () => {
      expect(parseQueryString('data[channel][params][import_order_attrs]=')).toEqual({ data: { channel: { params: { import_order_attrs: '' } } } });
      expect(parseQueryString('')).toEqual({});
    });

    it('returns objects without a prototype', () => {
      const parsed = parseQueryString('a[b]=1');
      expect(Object.getPrototypeOf(parsed)).toBeNull();
      expect(Object.getPrototypeOf(parsed['a'])).toBeNull();
    });

    it('does not pollute Object.prototype through __proto__', () => {
      const parsed = parseQueryString('__proto__[polluted]=1&a=1');
      expect(({} as any).polluted).toBeUndefined();
      expect(Object.keys(parsed)).toEqual(['a']);
      expect(Object.hasOwn(parsed, '__proto__')).toBe(false);
    });

    it('does not pollute Object.prototype through constructor[prototype]', () => {
      const parsed = parseQueryString('constructor[prototype][polluted]=1&a=1');
      expect(({} as any).polluted).toBeUndefined();
      expect(Object.prototype).not.toHaveProperty('polluted');
      // "constructor" survives only as a plain data key of a prototype-less object, never as Object itself.
      expect(parsed['constructor']).not.toBe(Object);
      expect(parsed['a']).toBe('1');
    });

    it('does not pollute through nested __proto__ either', () => {
      parseQueryString('data[__proto__][polluted]=1&data[a][__proto__][polluted]=1');
      expect(({} as any).polluted).toBeUndefined();
    });

    it('caps nesting depth (deeper brackets stay one literal key)', () => {
      const parsed = parseQueryString('a[b][c][d][e][f][g][h][i][j][k]=x');
      let node: any = parsed['a'];
      for (const key of ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i']) node = node[key];
      expect(node).toEqual({ '[j][k]': 'x' });
    });
  });

  describe('redactUrl', () => {
    it.each([
      ['/orders?headers[ticket]=1%2C1%2C0%2Csecret&version=1', '/orders?headers[ticket]=[redacted]&version=1'],
      ['/orders?version=1&headers%5Bticket%5D=secret&data%5Bchannel%5D%5Bid%5D=21', '/orders?version=1&headers%5Bticket%5D=[redacted]&data%5Bchannel%5D%5Bid%5D=21'],
      ['/x?integration_auth_token=secret&a=1', '/x?integration_auth_token=[redacted]&a=1'],
      ['/x?a=1&token=secret', '/x?a=1&token=[redacted]'],
      ['/x?TOKEN=secret', '/x?TOKEN=[redacted]'],
      ['/x?token=a&token=b', '/x?token=[redacted]&token=[redacted]'],
    ])('%s → %s', (url, expected) => {
      expect(redactUrl(url)).toBe(expected);
    });

    it('leaves other parameters and URLs without secrets unchanged', () => {
      const url = '/orders?data[channel][id]=21&data[order][acks][]=496&version=1&action=order_fetch';
      expect(redactUrl(url)).toBe(url);
      expect(redactUrl('/health')).toBe('/health');
    });

    it('never lets a secret value through', () => {
      const url = '/orders/order_ack?headers[client_id]=497&headers[ticket]=SECRET1&token=SECRET2&integration_auth_token=SECRET3&data[x]=1';
      const redacted = redactUrl(url);
      expect(redacted).not.toMatch(/SECRET/);
      expect(redacted).toContain('headers[client_id]=497');
      expect(redacted).toContain('data[x]=1');
    });
  });
});
