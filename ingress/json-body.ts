import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import sjson from 'secure-json-parse';
import { InvalidJsonError } from './errors.js';

/**
 * The JSON body parser: the bytes must be valid UTF-8 (a replacement character would otherwise slip into an id),
 * and `__proto__` or `constructor.prototype` keys are refused rather than silently kept or dropped.
 */
export function registerJsonBody(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => {
    const bytes = body as Buffer;
    if (bytes.length === 0) return done(new InvalidJsonError('the body is empty'), undefined);
    if (!isUtf8(bytes)) return done(new InvalidJsonError('the body is not valid UTF-8'), undefined);
    try {
      done(null, sjson.parse(bytes.toString('utf8'), undefined, { protoAction: 'error', constructorAction: 'error' }));
    } catch (error) {
      const reason = error instanceof SyntaxError && /prototype/i.test(error.message) ? 'it sets __proto__ or constructor.prototype' : (error as Error).message;
      done(new InvalidJsonError(`the body is not valid JSON: ${reason.slice(0, 200)}`), undefined);
    }
  });
}
