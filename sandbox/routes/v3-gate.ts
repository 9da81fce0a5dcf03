// What stands in front of every /v3 route, in the order a real gateway applies it: echo the
// request id, inject faults (latency, failures, hangs), then bearer auth and the fabric headers.
// Faults come first so a faulted call never reaches auth or state (it has no effect).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SandboxContext } from '../context.js';
import { endpointOf } from '../error-handler.js';
import { missingParameter, unauthorized } from '../errors.js';
import { headerValue } from './request-helpers.js';

/** Aborts when the client goes away, so a simulated hang ends with the connection. */
function disconnectSignal(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.once('close', () => controller.abort());
  return controller.signal;
}

function authenticate(ctx: SandboxContext, request: FastifyRequest): void {
  const match = /^Bearer\s+(\S+)$/i.exec(headerValue(request, 'authorization') ?? '');
  if (match?.[1] === undefined) throw unauthorized('Missing bearer token');
  const check = ctx.tokens.check(match[1]);
  if (check === 'expired') throw unauthorized('Access token expired');
  if (check === 'unknown') throw unauthorized('Invalid access token');
}

function requireHeader(request: FastifyRequest, name: string): void {
  if (headerValue(request, name) === undefined) throw missingParameter(`Missing parameter: header ${name}`);
}

/** Every POST changes state but the reads fabric serves as POSTs: searches and inventory find. */
const changesState = (request: FastifyRequest): boolean =>
  request.method === 'POST' && !/\/(?:search|actions\/find)$/.test(endpointOf(request));

export function installV3Gate(scope: FastifyInstance, ctx: SandboxContext): void {
  scope.addHook('onRequest', async (request, reply) => {
    const requestId = headerValue(request, 'x-fabric-request-id');
    if (requestId !== undefined) reply.header('x-fabric-request-id', requestId);

    const disconnected = disconnectSignal(reply);
    await ctx.sleeper.sleep(ctx.faults.config.latencyMs, disconnected);
    const decision = ctx.faults.decide(changesState(request));
    if (decision === 'timeout') await ctx.sleeper.sleep(ctx.timeoutHangMs, disconnected);
    if (decision === 'lost') lostResponses.add(request);
    else if (decision !== 'pass') {
      const fault = ctx.faults.response(endpointOf(request));
      request.log.info({ status: fault.status, decision }, 'sandbox fault injected');
      // The gateway's failure, not fabric's answer: the contract's documented statuses do not apply.
      ctx.contract.exempt(request);
      return reply.code(fault.status).headers(fault.headers).send(fault.body);
    }

    authenticate(ctx, request);
    requireHeader(request, 'x-fabric-tenant-id');
    requireHeader(request, 'x-fabric-channel-id');
    return undefined;
  });
}

/**
 * A lost response: the call has taken effect (the ledger, installed before this hook, records what fabric did);
 * the caller sees the fault instead of the answer.
 */
export function installLostResponses(scope: FastifyInstance, ctx: SandboxContext): void {
  scope.addHook('onSend', async (request, reply, payload) => {
    if (!lostResponses.has(request)) return payload;
    lostResponses.delete(request);
    const fault = ctx.faults.response(endpointOf(request));
    request.log.info({ status: fault.status, decision: 'lost' }, 'sandbox fault injected after the effect');
    reply.code(fault.status).headers(fault.headers).type('application/json');
    return JSON.stringify(fault.body);
  });
}

const lostResponses = new WeakSet<FastifyRequest>();
