/** The signed writes the API takes, one HTTP route each and the `kind` of an order-entry frame item. */
export const WRITE_KINDS = ["order", "cancel", "withdrawal", "transfer", "price"] as const;
export type WriteKind = (typeof WRITE_KINDS)[number];
