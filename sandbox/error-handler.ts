// The only place error responses are written: SandboxApiErrors keep their code, framework errors
// (bad JSON, wrong content type, body too large) become fabric CLIENT_ERRORs with their status,
// and anything else is a logged, generic SERVER_ERROR.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCodes, fabricErrorBody, SandboxApiError } from './errors.js';

export const endpointOf = (request: FastifyRequest): string => request.url.split('?')[0] ?? request.url;

function hasClientStatus(error: unknown): error is FastifyError & { statusCode: number } {
  if (typeof error !== 'object' || error === null) return false;
  const status = (error as { statusCode?: unknown }).statusCode;
  return typeof status === 'number' && status >= 400 && status < 500;
}

export function sandboxErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const endpoint = endpointOf(request);
  if (error instanceof SandboxApiError) {
    return reply.code(error.statusCode).send(error.toBody(endpoint));
  }
  if (hasClientStatus(error)) {
    return reply.code(error.statusCode).send(fabricErrorBody(error.statusCode, ErrorCodes.invalidValue, error.message, endpoint));
  }
  request.log.error({ err: error }, 'sandbox request failed');
  return reply.code(500).send(fabricErrorBody(500, ErrorCodes.internal, 'Internal server error', endpoint));
}

export function sandboxNotFoundHandler(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const endpoint = endpointOf(request);
  return reply
    .code(404)
    .send(fabricErrorBody(404, ErrorCodes.notFound, `Route ${request.method} ${endpoint} not found`, endpoint));
}
