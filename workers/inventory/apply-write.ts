// One sku at one location: set its counters in fabric, or learn why fabric did not take them.
import type { CallContext, FabricClient } from '../../shared/fabric/client.js';
import type { InventoryWriteBody } from '../../shared/fabric/schemas.js';
import { FabricError } from '../../shared/fabric/errors.js';
import type { InventoryWrite } from '../../shared/inventory/mapping.js';
import type { SkuOutcome } from '../../shared/inventory/push-tracker.js';

/**
 * Sets the write's counters (find-and-update: a set, so a retried write whose first attempt landed changes nothing).
 * Returns null when fabric took them, else what happened instead. A refusal of this one sku (a 4xx) is an outcome,
 * not an error: one bad sku must not hold up the skus behind it in its lane. Transient failures throw, and the part
 * is retried from this write.
 */
export async function applyInventoryWrite(
  fabric: FabricClient,
  write: InventoryWrite,
  unknownSku: 'report' | 'create',
  call: CallContext,
): Promise<SkuOutcome | null> {
  const body = { sku: write.sku, locationNumber: write.locationNumber, counters: write.counters };
  try {
    const missing = await set(fabric, body, call);
    if (missing === null) return null;
    if (unknownSku === 'report') return outcome(write, 'unknown', missing);
    try {
      await fabric.createInventory(body, call);
      return outcome(write, 'created', { status: 201, code: null, message: null });
    } catch (error) {
      // Created meanwhile (another push, or the merchant): it exists now, so the set applies.
      if (error instanceof FabricError && error.status === 409 && (await set(fabric, body, call)) === null) return null;
      throw error;
    }
  } catch (error) {
    if (error instanceof FabricError && !error.transient) return outcome(write, 'refused', detailOf(error));
    throw error;
  }
}

/** find-and-update: null once set, or fabric's 404 (no such inventory, or counter) as an outcome's detail. */
async function set(fabric: FabricClient, body: InventoryWriteBody, call: CallContext): Promise<Detail | null> {
  try {
    await fabric.updateInventory(body, call);
    return null;
  } catch (error) {
    if (error instanceof FabricError && error.status === 404) return detailOf(error);
    throw error;
  }
}

type Detail = Pick<SkuOutcome, 'status' | 'code' | 'message'>;

function detailOf(error: FabricError): Detail {
  return { status: error.status, code: error.errorCode, message: error.message };
}

function outcome(write: InventoryWrite, result: SkuOutcome['result'], detail: Detail): SkuOutcome {
  return { sku: write.sku, locationNumber: write.locationNumber, result, ...detail };
}
