// Identifiers in the formats fabric uses: 24-hex order/shipment ids (Mongo ObjectId-like) and
// uuid line item ids. Random so that a client can never depend on a sandbox-specific sequence.
import { randomBytes, randomUUID } from 'node:crypto';

export const newObjectId = (): string => randomBytes(12).toString('hex');

export const newLineItemId = (): string => randomUUID();

export const newAccessToken = (): string => randomBytes(32).toString('base64url');
