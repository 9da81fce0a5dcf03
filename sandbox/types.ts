// Shapes of fabric's order documents as the sandbox stores and returns them. Only the fields the
// sandbox reads or writes are named; every other field a caller sends is kept verbatim (the index
// signatures), because fabric orders carry far more than the bridge needs.

export type OrderStatusCode =
  | 'ORDER_CREATED'
  | 'ORDER_PARTIALLY_CANCELLED'
  | 'ORDER_CANCELLED'
  | 'ORDER_PARTIALLY_SHIPPED'
  | 'ORDER_SHIPPED'
  | 'ORDER_PARTIALLY_RETURNED'
  | 'ORDER_RETURNED'
  // Holds (sandbox/hold.ts): fabric's spec names ORDER_HOLD_EXTERNAL; it names no fraud hold code, so the
  // sandbox's is its own.
  | 'ORDER_HOLD_EXTERNAL'
  | 'ORDER_HOLD_FRAUD';

/** Units of one line item per state; the states always add up to orderedQuantity. */
export interface QuantityInStatus {
  created: number;
  pendingShipped: number;
  shipped: number;
  returned: number;
  cancelled: number;
  hold: number;
  delivered: number;
}

/** fabric's cancellationResource: one cancel request on the order (`cancellations`), with the request's attributes. */
export interface FabricOrderCancellation {
  cancellationCounter: string;
  reasonCode: string;
  subReasonCode?: string;
  source?: string;
  attributes?: Record<string, unknown>;
  status: 'PROCESSING' | 'COMPLETED' | 'REJECTED';
}

/**
 * fabric's cancellationItemResource: one cancel of some of a line's units, as the order reports it; its `attributes`
 * are the cancel entry's own (orderCancelLineItem.attributes), as sent.
 */
export interface FabricItemCancellation extends FabricOrderCancellation {
  quantity: number;
}

export interface FabricOrderItem {
  lineItemId: string;
  lineItemNumber: number;
  sku: string;
  itemName?: string;
  itemUnitPrice: number;
  orderedQuantity: number;
  cancelledQuantity: number;
  /** Who cancelled which units, and why: the order answer's `items[].cancellations` (orderItem in the spec). */
  cancellations?: FabricItemCancellation[];
  shippedQuantity: number;
  returnedQuantity: number;
  quantityInStatus: QuantityInStatus;
  lineOrderStatus: string;
  itemTaxTotal?: number;
  itemDiscountsTotal?: number;
  [key: string]: unknown;
}

export interface FabricReturnRecord {
  returnCounter: number;
  totalRefundAmount: number;
  attributes: Record<string, unknown>;
  items: { lineItemId: string; returnQuantity: number; refundAmount: number }[];
  createdAt: string;
}

export interface FabricShipmentItem {
  /** fabric assigns it (the create request has no such field); a return names it as `shipmentLineId`. */
  shipmentLineItemId: string;
  lineItemId: string;
  shippedQuantity: number;
  /** Units of this shipment line returned so far: a return names the shipment line it takes them from. */
  returnQuantity: number;
  orderNumber: string;
  sku?: string;
}

export interface FabricCarton {
  shipmentCarrier?: string;
  shipmentMethod?: string;
  trackingNumber?: string;
  trackingURL?: string;
  items: FabricShipmentItem[];
}

export interface FabricShipmentRecord {
  shipmentId: string;
  shipmentNumber: string;
  shippedAt: string;
  createdAt: string;
  updatedAt: string;
  version: number;
  locationNumber?: string;
  cartons: FabricCarton[];
}

/** One order as the sandbox stores and answers it (not the bridge's parsed view, shared/fabric/schemas.ts). */
export interface StoredOrder {
  orderId: string;
  orderNumber: string;
  statusCode: OrderStatusCode;
  channelId: string;
  currency: string;
  orderedAt: string;
  createdAt: string;
  updatedAt: string;
  version: number;
  items: FabricOrderItem[];
  shipInfo: Record<string, unknown>[];
  payments: Record<string, unknown>[];
  customer?: Record<string, unknown>;
  orderSubtotal: number;
  taxTotal: number;
  orderDiscount: number;
  feeTotal: number;
  orderTotal: number;
  attributes: Record<string, unknown>;
  returns: FabricReturnRecord[];
  shipments: FabricShipmentRecord[];
  cancelledAt?: string;
  /** Each cancel request that took effect, whole-order or item-level (orderResponse.cancellations). */
  cancellations?: FabricOrderCancellation[];
  /** When the order left its hold; absent while held (sandbox/hold.ts). */
  orderReleasedAt?: string;
  [key: string]: unknown;
}

/** `inventory`: every changing call of fabric's Inventory API (create, find-and-update, adjust counters, create counter). */
export type LedgerKind = 'create-order' | 'cancel' | 'return' | 'shipment' | 'update-attributes' | 'fraud-release' | 'inventory';

/** One mutating /v3 call that got past auth and faults, whatever the business logic answered. */
export interface LedgerEntry {
  seq: number;
  at: string;
  method: string;
  path: string;
  kind: LedgerKind;
  orderNumber: string | null;
  requestId: string | null;
  status: number;
  body: unknown;
}

/** Body of fabric's submit-return-request answer (201). */
export interface FabricReturnResponse {
  // fabric's returnOrderResponse enums: REFUND_INITIATED/SUCCESS/FAILURE/PENDING; VALID/POLICY_VIOLATION/PENDING/….
  refundStatus: 'REFUND_PENDING';
  totalRefundAmount: number;
  items: { lineItemId: string; returnQuantity: number; refundAmount: number; returnStatus: 'VALID' }[];
}

/** fabric's shipmentResponse: the create-order-shipment answer (201) and each shipments search result. */
export interface FabricShipmentResponse {
  shipmentId: string;
  shipmentNumber: string;
  statusCode: 'SHIPMENT_CREATED';
  type: 'STANDARD';
  /** fabric's note: a shipment belongs to exactly one order today. */
  orderNumbers: string[];
  shippedAt: string;
  createdAt: string;
  updatedAt: string;
  version: number;
  locationNumber?: string;
  cartons: FabricCarton[];
}

/** fabric's inventory statuses (the `status` enum of every inventory schema). */
export type InventoryStatus = 'IN_STOCK' | 'LOW_STOCK' | 'OUT_OF_STOCK' | 'BACKORDER_STOCK' | 'PREORDER_STOCK';

/**
 * fabric's `inventory` (fabric-inventory-openapi.yml:950-1113) as the sandbox stores and returns it: one item (sku,
 * itemId) at one location in one channel. Optional properties are present only once a caller has set them.
 */
export interface FabricInventory {
  inventoryId: string;
  sku: string;
  itemId: number;
  locationNumber: number;
  channelId: string;
  /** Counter code → quantity; every code is a configured counter (GET /inventory-counters). */
  counters: Record<string, number>;
  hasInfiniteInventory: boolean;
  createdAt: string;
  updatedAt: string;
  backorderLimit?: number;
  backorderShipmentAt?: string;
  customAttributes?: Record<string, string>;
  isNoStock?: boolean;
  leadTime?: string;
  lowStock?: number;
  networkCode?: string;
  preorderLimit?: number;
  preorderShipmentAt?: string;
  region?: string;
  safetyStock?: number;
  status?: InventoryStatus;
  type?: string;
  vendorId?: string;
  virtualCountersStatus?: { availableBackorder?: string; availablePreorder?: string; availableToPurchase?: string };
}

/** fabric's `counter` (fabric-inventory-openapi.yml:375-392): an inventory position the merchant configured. */
export interface FabricCounter {
  id: string;
  code: string;
  name?: string;
}
