// The sandbox validates against sandbox/contract/fabric-operations.json, a committed extraction of fabric's OpenAPI
// fixtures. It must be exactly what the extractor makes of the fixtures today: `npm run contract:generate` rewrites it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BRIDGE_OPERATIONS, OUTPUT_FILE, extractContract, operationKey, serializeContract } from './openapi-extract.js';

describe('sandbox/contract/fabric-operations.json', () => {
  const fresh = extractContract();

  it('equals a fresh extraction from test/fixtures/fabric-openapi (run `npm run contract:generate` if not)', () => {
    expect(readFileSync(OUTPUT_FILE, 'utf8')).toBe(serializeContract(fresh));
  });

  it('covers every operation the bridge calls, each with its documented answers', () => {
    expect(Object.keys(fresh.operations)).toEqual(BRIDGE_OPERATIONS.map(operationKey));
    for (const [key, operation] of Object.entries(fresh.operations)) {
      expect(Object.keys(operation.responses).some((status) => status.startsWith('2')), key).toBe(true);
    }
  });

  it('keeps what fabric requires of an inventory write (sku, locationNumber, counters); a counter is an int32', () => {
    for (const name of ['inventory.createInventory', 'inventory.updateInventory', 'inventory.adjustCounterRequest']) {
      const definition = fresh.definitions[name] as { required?: unknown; properties?: { counters?: unknown } } | undefined;
      expect(definition?.required, name).toEqual(['counters', 'locationNumber', 'sku']);
      expect(definition?.properties?.counters, name).toEqual({ additionalProperties: { format: 'int32', type: 'integer' }, type: 'object' });
    }
  });

  it('keeps what fabric requires: a return item needs scannedAt, shipmentId and shipmentLineId', () => {
    const item = fresh.definitions['orders.returnItem'];
    expect(item?.['required']).toEqual(expect.arrayContaining(['orderLineItemId', 'quantity', 'returnType', 'scannedAt', 'shipmentId', 'shipmentLineId']));
  });
});
