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
  | 'ORDER_RETURNED';

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

export interface FabricOrderItem {
  lineItemId: string;
  lineItemNumber: number;
  sku: string;
  itemName?: string;
  itemUnitPrice: number;
  orderedQuantity: number;
  cancelledQuantity: number;
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
  lineItemId: string;
  shippedQuantity: number;
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
  locationNumber?: string;
  cartons: FabricCarton[];
}

export interface FabricOrder {
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
  [key: string]: unknown;
}

export type LedgerKind = 'create-order' | 'cancel' | 'return' | 'shipment' | 'update-attributes';

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
  refundStatus: 'PENDING';
  totalRefundAmount: number;
  items: { lineItemId: string; returnQuantity: number; refundAmount: number; returnStatus: 'RECEIVED' }[];
}

/** Body of fabric's create-order-shipment answer (201). */
export interface FabricShipmentResponse {
  shipmentId: string;
  shipmentNumber: string;
  statusCode: 'SHIPPED';
  orderNumber: string;
  cartons: FabricCarton[];
}
