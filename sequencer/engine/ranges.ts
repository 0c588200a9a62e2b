/**
 * Ranges from SPEC.md that the circuit checks on every new leaf and on the global fields. The engine
 * checks them before committing, so the prover never receives a witness it cannot satisfy.
 */
export const FIELD_MODULUS = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

export const NONCE_LIMIT = 1n << 32n; // [0, 2^32)
export const COLLATERAL_LIMIT = 1n << 80n; // [0, 2^80)
export const SIZE_LIMIT = 1n << 47n; // (-2^47, 2^47)
export const ENTRY_NOTIONAL_LIMIT = 1n << 95n; // (-2^95, 2^95)
export const FUNDING_LIMIT = 1n << 63n; // (-2^63, 2^63), snapshot and index
export const MARK_PRICE_LIMIT = 1n << 40n; // [0, 2^40)
export const OPEN_INTEREST_LIMIT = 1n << 48n; // [0, 2^48)
export const POOL_LIMIT = 1n << 80n; // insuranceFund, feePool: [0, 2^80)
export const AMOUNT_LIMIT = 1n << 80n; // deposit/withdrawal amounts: (0, 2^80)
export const L1_ADDRESS_LIMIT = 1n << 160n;

export const abs = (x: bigint): bigint => (x < 0n ? -x : x);
export const inSigned = (x: bigint, limit: bigint): boolean => x > -limit && x < limit;
export const inUnsigned = (x: bigint, limit: bigint): boolean => x >= 0n && x < limit;
