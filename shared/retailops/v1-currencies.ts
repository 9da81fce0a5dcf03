/** Currencies the SDK's order_pull `currency_code` enum allows (test/fixtures/retailops-sdk-v1/order_pull_v1.json). */
export const V1_CURRENCIES = ['AUD', 'CAD', 'CHF', 'EUR', 'GBP', 'HKD', 'JPY', 'MXN', 'NZD', 'PLN', 'SGD', 'USD'] as const;
export type V1Currency = (typeof V1_CURRENCIES)[number];

export function isV1Currency(code: string): code is V1Currency {
  return (V1_CURRENCIES as readonly string[]).includes(code);
}
