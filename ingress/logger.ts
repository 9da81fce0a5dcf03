import type { Logger } from 'pino';
import { createLogger } from '../shared/logger.js';
import { redactUrl } from './querystring.js';

interface LoggedRequest {
  id: string;
  method: string;
  url: string;
  ip?: string;
}

/** Request URLs are logged with ticket and token query parameters censored (GET webhooks carry the ticket there). */
export const ingressSerializers = {
  req: (request: LoggedRequest) => ({ id: request.id, method: request.method, url: redactUrl(request.url), ip: request.ip }),
  res: (reply: { statusCode: number }) => ({ statusCode: reply.statusCode }),
};

/** The ingress's logger: a child of `parent` with the request serializers. */
export function ingressLogger(parent: Logger): Logger {
  return parent.child({}, { serializers: ingressSerializers });
}

export function createIngressLogger(level: string): Logger {
  return ingressLogger(createLogger(level, 'ingress'));
}
