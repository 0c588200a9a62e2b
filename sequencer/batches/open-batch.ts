import type { ApplyResult, EngineTx } from "../engine/types.ts";
import type { LaneName } from "../mempool/lanes.ts";

export interface BatchShape {
  /** Account updates per proof (the circuit's N). */
  N: number;
  /** Deposit and withdrawal slots per proof (the circuit's ND and NW). */
  ND: number;
  NW: number;
  /** Update slots that only the liquidation lane may use. */
  reservedForLiquidations: number;
}

/**
 * The batch shape of a circuit instance. The reserve is capped so ordinary flow keeps at least two
 * slots: a trade touches a maker and a taker.
 */
export function batchShapeOf(
  inst: { N: number; ND: number; NW: number },
  reservedForLiquidations: number,
): BatchShape {
  return {
    N: inst.N,
    ND: inst.ND,
    NW: inst.NW,
    reservedForLiquidations: Math.max(0, Math.min(reservedForLiquidations, inst.N - 2)),
  };
}

export interface BatchDeposit {
  pubKeyX: bigint;
  pubKeyY: bigint;
  amount: bigint;
}

export interface BatchWithdrawalItem {
  accountId: bigint;
  l1Address: bigint;
  amount: bigint;
}

/** The batch being filled: what the engine has done since the last seal. */
export class OpenBatch {
  readonly touched = new Set<number>();
  readonly deposits: BatchDeposit[] = [];
  readonly withdrawals: BatchWithdrawalItem[] = [];
  hasLiquidation = false;
  txCount = 0;
  firstSeq: bigint | undefined;
  lastSeq: bigint | undefined;

  constructor(
    readonly batchNumber: bigint,
    readonly shape: BatchShape,
    readonly openedAt: number,
  ) {}

  get isEmpty(): boolean {
    return this.txCount === 0;
  }

  /** Liquidations may use every slot; ordinary flow leaves the reserved ones free. */
  limitsFor(lane: LaneName): { touchedInBatch: ReadonlySet<number>; maxTouched: number } {
    const maxTouched =
      lane === "liquidation" ? this.shape.N : this.shape.N - this.shape.reservedForLiquidations;
    return { touchedInBatch: this.touched, maxTouched };
  }

  /** True when this tx needs a deposit or withdrawal slot and none is left. */
  slotsExhaustedFor(tx: EngineTx): boolean {
    if (tx.kind === "deposit") return this.deposits.length >= this.shape.ND;
    if (tx.kind === "withdrawal") return this.withdrawals.length >= this.shape.NW;
    return false;
  }

  get isFull(): boolean {
    return this.touched.size >= this.shape.N;
  }

  record(seq: bigint, tx: EngineTx, result: ApplyResult): void {
    for (const id of result.touched) this.touched.add(id);
    if (tx.kind === "deposit")
      this.deposits.push({ pubKeyX: tx.pubKeyX, pubKeyY: tx.pubKeyY, amount: tx.amount });
    if (result.withdrawal) {
      this.withdrawals.push({
        accountId: BigInt(result.withdrawal.accountId),
        l1Address: result.withdrawal.l1Address,
        amount: result.withdrawal.amount,
      });
    }
    if (tx.kind === "liquidation") this.hasLiquidation = true;
    this.firstSeq ??= seq;
    this.lastSeq = seq;
    this.txCount++;
  }
}
