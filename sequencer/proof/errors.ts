import { BaseError } from "../../core/errors.ts";

/**
 * A proven-transaction rule that a trace breaks (docs/PROOF.md). The codes name the rule; the circuit
 * refuses the same batch at the constraint of the same name, so an engine bug surfaces here, in TS,
 * before a prover spends minutes on a witness that cannot exist.
 */
export const PROOF_RULES = [
  "DEPOSIT_WRONG_KEY",
  "BAD_AMOUNT",
  "STALE_NONCE",
  "ZERO_L1_ADDRESS",
  "TRANSFER_OTHER_KEY",
  "TRANSFER_WRONG_DESTINATION",
  "SAME_ACCOUNT",
  "ORDER_WRONG_ACCOUNT",
  "ORDER_WRONG_MARKET",
  "ORDER_WRONG_SIDE",
  "FILL_OUTSIDE_LIMIT",
  "ORDER_OVERFILLED",
  "ORDER_EVICTED",
  "ORDER_EXPIRED",
  "FEE_ABOVE_CAP",
  "NOT_SETTLED",
  "BELOW_INITIAL_MARGIN",
  "NOT_LIQUIDATABLE",
  "LIQUIDATION_GROWS",
  "LIQUIDATION_OUTSIDE_BAND",
  "VAULT_NOT_AT_MARK",
  "VAULT_WRONG_ACCOUNT",
  "ADL_NOT_BANKRUPTCY_PRICE",
  "ADL_GROWS_COUNTERPARTY",
  "PENALTY_ABOVE_CAP",
  "COVER_MISMATCH",
  "NEGATIVE_BALANCE",
  "OUT_OF_RANGE",
  "DEPOSIT_OUT_OF_ORDER",
  "PRIORITY_OUT_OF_ORDER",
  "FORCED_WRONG_AMOUNT",
] as const;

export type ProofRule = (typeof PROOF_RULES)[number];

export class ProofRuleError extends BaseError {
  override name = "ProofRuleError";
  declare readonly code: ProofRule;

  constructor(code: ProofRule, message: string, details: Record<string, unknown> = {}) {
    super(code, message, { details });
  }
}
