/** Attribution on every change the bridge makes in fabric. */
export const SOURCE = 'RetailOPS';
