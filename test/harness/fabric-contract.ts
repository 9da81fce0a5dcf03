import { sharedContractValidator } from '../../sandbox/contract/contract.js';
import type { LedgerKind } from '../../sandbox/types.js';

/** The fabric operation behind each kind of ledger entry (create-order is a sandbox convenience, not a bridge call). */
export const LEDGER_OPERATIONS: Readonly<Partial<Record<LedgerKind, string>>> = {
  cancel: 'POST /orders/order-number/{orderNumber}/actions/cancel',
  return: 'POST /orders/order-number/{orderNumber}/actions/submit-return-request',
  shipment: 'POST /shipments/create-order-shipment',
  'update-attributes': 'POST /orders/order-number/{orderNumber}/actions/update-attributes',
  'fraud-release': 'POST /orders/order-number/{orderNumber}/actions/fraud-release',
};

/**
 * What fabric's OpenAPI request schema refuses in a ledger body (empty: nothing), with the same validator the
 * sandbox enforces (sandbox/contract/): one reading of the contract for the sandbox and the tests.
 */
export function contractProblems(kind: LedgerKind, body: unknown, path?: string): string[] {
  // Inventory entries share one kind over several operations: the path names the one.
  const operation = kind === 'inventory' && path !== undefined ? `POST ${path.replace(/^\/v3/, '')}` : LEDGER_OPERATIONS[kind];
  if (operation === undefined) return [];
  return sharedContractValidator()
    .checkRequest(operation, body, {})
    .map((problem) => `${problem.field} ${problem.kind}: ${problem.message}`);
}
