// /_sandbox/contract-*: what the contract checks (sandbox/contract/checks.ts) found, for test stacks to assert on.
// Not cleared by /_sandbox/reset: a violation is evidence against the caller and must survive a test's reset.
import type { FastifyPluginAsync } from 'fastify';
import type { SandboxContext } from '../context.js';

export function buildContractHookRoutes(ctx: SandboxContext): FastifyPluginAsync {
  return async (app) => {
    app.get('/contract-violations', async () => ({ violations: ctx.contract.violations() }));
    app.get('/contract-exchanges', async () => ({ exchanges: ctx.contract.exchanges() }));
    app.delete('/contract-violations', async () => {
      ctx.contract.clear();
      return { cleared: true };
    });
  };
}
