/**
 * The hostile operator's batches (issue 8): each one is built from the honest story with one thing
 * changed, and the witness must fail at the constraint that states the rule. The model (TS) refuses
 * the same batch with the rule's code, so an engine bug is caught before proving too.
 */

import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { signPoseidon } from "../../sequencer/crypto/eddsa.ts";
import { priceMessage } from "../../sequencer/crypto/messages.ts";
import { messageHash, orderFields, withdrawalFields } from "../../sequencer/proof/messages.ts";
import type { ProofOp } from "../../sequencer/proof/ops.ts";
import type { Batch2Witness } from "../../sequencer/proof/witness.ts";
import { type CompiledBatch2, compiledBatch2, OPERATOR } from "../utils/batch2.ts";
import { failsAt, witness } from "../utils/circuit.ts";
import { ADL_PRICE, alice, BOB_L1, bob, order, PX, run, type StoryBatch, USDC } from "./batch2-story.ts";

let c: CompiledBatch2;
before(async () => {
  c = await compiledBatch2("tiny");
});

const OP_L1 = 0x0bad0bad0bad0bad0bad0bad0bad0bad0bad0badn;

const AT = {
  signature: failsAt("SignatureCheck", "signature.circom", "(left.out[0] - right.xout) * enabled === 0"),
  msgAccount: failsAt("Op", "op.circom", "mA[1].out === accA"),
  takerLimit: failsAt("Op", "op.circom", "isFill * (aBuyLimited + aSellBad) === 0"),
  makerLimit: failsAt("Op", "op.circom", "makerB * (bBuyLimited + bSellBad) === 0"),
  takerFee: failsAt("Op", "op.circom", "feeAOk.out === 1"),
  initialMargin: failsAt("Op", "op.circom", "(isWd + isTr + grewA) * (1 - imA.ok) === 0"),
  liquidatable: failsAt("Op", "op.circom", "liq * mmA.ok === 0"),
  liqReduces: failsAt("Op", "op.circom", "liq * tradeA.opened === 0"),
  liqBand: failsAt("Op", "op.circom", "bandOk.out === 1"),
  vaultAtMark: failsAt("Op", "op.circom", "isVault * (price - markM.out) === 0"),
  adlNotGain: failsAt("Op", "op.circom", "isAdl * (1 - notGain.nonNeg) === 0"),
  adlFloor: failsAt("Op", "op.circom", "isAdl * (1 - aboveFloor.nonNeg) === 0"),
  adlReduces: failsAt("Op", "op.circom", "isAdl * tradeB.opened === 0"),
  penaltyCap: failsAt("Op", "op.circom", "penOk.out === 1"),
  cover: failsAt("Op", "op.circom", "isCov * (amount + feeB + A[3]) === 0"),
  depositKey: failsAt("Op", "op.circom", "aKeyed * (A[0] - dX.out) === 0"),
  transferKey: failsAt("Op", "op.circom", "bKeyed * (B[0] - A[0]) === 0"),
  nonce: failsAt("Op", "op.circom", "nonceUp.out === nonceOp"),
  wdAddress: failsAt("Op", "op.circom", "wAddr.out === wdTo"),
  overfilled: failsAt("MessageSlot", "message-slot.circom", "withinSize.out === 1"),
  expired: failsAt("MessageSlot", "message-slot.circom", "notExpired.out === isOrder"),
  staleIndex: failsAt("PriceSlot", "price-slot.circom", "later.out === enabled"),
  markBand: failsAt("PriceSlot", "price-slot.circom", "band.out === 1"),
  fundingCap: failsAt("PriceSlot", "price-slot.circom", "capOk.out === 1"),
  fundingGap: failsAt("PriceSlot", "price-slot.circom", "gapOk.out === 1"),
  depositChain: failsAt("Batch2", "batch2.circom", "deposits.out === depositHashNew"),
  depositCredited: failsAt("Batch2", "batch2.circom", "depCount[T] === depSlots"),
};

/** Builds the story to batch `n` with the last one made hostile; returns that batch's witness. */
function hostile(
  n: number,
  change: (h: StoryBatch, s: ReturnType<typeof run>["signer"]) => StoryBatch,
): Batch2Witness {
  const { witnesses } = run(c, n, change);
  return witnesses[n - 1] as Batch2Witness;
}

async function refused(w: Batch2Witness, at: RegExp, modelCode?: string): Promise<void> {
  await assert.rejects(witness(w.input, c.wasmPath), at);
  if (modelCode)
    assert.ok(
      w.violations.some((v) => v.code === modelCode),
      `model said ${w.violations.map((v) => v.code)}`,
    );
}

/** Batch 3's ops with the fill (index 2) and the withdrawal (index 3) replaced as given. */
function batch3(
  h: StoryBatch,
  fill?: (f: Extract<ProofOp, { kind: "fill" }>) => ProofOp,
  wd?: ProofOp,
): StoryBatch {
  const ops = [...h.ops];
  if (fill) ops[2] = fill(ops[2] as Extract<ProofOp, { kind: "fill" }>);
  if (wd) ops[3] = wd;
  return { ...h, ops };
}

describe("Batch2 refuses the hostile operator's batches (tiny instance)", () => {
  it("attack 1: a withdrawal of alice's cash that alice never signed (the operator signs it) fails the signature check", async () => {
    const w = hostile(3, (h, s) => {
      // 100 USDC keeps alice above initial margin: only the signature can refuse it.
      const op = { accountId: 1, nonce: 2n, amount: 100n * USDC, l1Address: OP_L1 };
      const hsh = messageHash(withdrawalFields(op));
      s.sigs.set(hsh, signPoseidon(OPERATOR.prv, hsh));
      return batch3(h, undefined, { kind: "withdrawal", ...op });
    });
    await refused(w, AT.signature);
  });

  it("attack 1b: bob's signed withdrawal applied to alice's account fails at the message's account", async () => {
    const bobs = run(c, 3).witnesses[2] as Batch2Witness;
    const w = hostile(3, (h, s) => {
      const wd = h.ops[3] as Extract<ProofOp, { kind: "withdrawal" }>;
      const onAlice = { ...wd, accountId: 1 };
      const hsh = messageHash(withdrawalFields(onAlice));
      s.sigs.set(hsh, signPoseidon(bob.prv, hsh));
      return batch3(h, undefined, onAlice);
    });
    // Put bob's own signed message (naming bob) back in the slot the op uses for alice's account.
    const j = (w.input.msgFields as string[][]).findIndex((f) => f[0] === "3");
    for (const k of ["msgFields", "msgSig", "msgSlot"] as const)
      (w.input[k] as unknown[])[j] = (bobs.input[k] as unknown[])[j];
    await assert.rejects(witness(w.input, c.wasmPath), AT.msgAccount);
  });

  it("attack 2: a 1,000-lot long at 10x the mark, against alice's signed 50-lot buy, breaks her limit", async () => {
    const w = hostile(3, (h) => batch3(h, (f) => ({ ...f, size: 1000n, price: 10n * PX })));
    await refused(w, AT.takerLimit, "FILL_OUTSIDE_LIMIT");
  });

  it("attack 2b: the same long on an order the operator signed for alice fails the signature check", async () => {
    const w = hostile(3, (h, s) => {
      const forged = order({ accountId: 1, nonce: 1n, side: "buy", size: 1000n, price: 10n * PX });
      const hsh = messageHash(orderFields(forged));
      s.sigs.set(hsh, signPoseidon(OPERATOR.prv, hsh));
      return batch3(h, (f) => ({ ...f, taker: forged, size: 10n, takerFee: 0n, makerFee: 0n }));
    });
    await refused(w, AT.signature);
  });

  it("attack 3: bob's signed withdrawal paid to the operator's L1 address fails at the withdrawal slot", async () => {
    const w = hostile(3, (h) => h);
    (w.input.withdrawalL1Address as string[])[0] = OP_L1.toString();
    await assert.rejects(witness(w.input, c.wasmPath), AT.wdAddress);
  });

  it("attack 4: carol's L1 deposit credited to the vault (the operator's account) fails the key rule", async () => {
    const w = hostile(4, (h) => ({
      ...h,
      ops: h.ops.map((o) => (o.kind === "deposit" ? { ...o, accountId: 0 } : o)),
    }));
    await refused(w, AT.depositKey, "DEPOSIT_WRONG_KEY");
  });

  it("attack 4b: a deposit credited to another key than the L1 queue names fails the deposit chain", async () => {
    const w = hostile(4, (h) => ({
      ...h,
      ops: h.ops.map((o) =>
        o.kind === "deposit" ? { ...o, pubKeyX: OPERATOR.pubKey[0], pubKeyY: OPERATOR.pubKey[1] } : o,
      ),
    }));
    // The input still carries L1's chain end: the queue named carol.
    const honest = run(c, 4).witnesses[3] as Batch2Witness;
    w.input.depositHashNew = honest.input.depositHashNew;
    await assert.rejects(witness(w.input, c.wasmPath), AT.depositChain);
  });

  it("attack 4c: a deposit consumed from L1 but credited to nobody fails the deposit count", async () => {
    const w = hostile(4, (h) => h);
    const kinds = w.input.opKind as string[][];
    const t = kinds.findIndex((k) => k[0] === "1");
    kinds[t] = new Array(9).fill("0");
    (w.input.opAmount as string[])[t] = "0";
    await assert.rejects(witness(w.input, c.wasmPath), AT.depositCredited);
  });

  it("attack 5: a withdrawal past what an account holds (paying out more than was deposited) fails initial margin", async () => {
    const w = hostile(3, (h, s) =>
      batch3(
        h,
        undefined,
        s.withdrawal(bob, { accountId: 2, nonce: 2n, amount: 5_000n * USDC, l1Address: BOB_L1 }),
      ),
    );
    await refused(w, AT.initialMargin, "BELOW_INITIAL_MARGIN");
  });

  it("a fill below the maker's sell limit", async () => {
    const w = hostile(3, (h) => batch3(h, (f) => ({ ...f, price: PX - 1n })));
    await refused(w, AT.makerLimit, "FILL_OUTSIDE_LIMIT");
  });

  it("a fill above the taker's buy limit", async () => {
    const w = hostile(3, (h) => batch3(h, (f) => ({ ...f, price: PX + 1n })));
    await refused(w, AT.takerLimit, "FILL_OUTSIDE_LIMIT");
  });

  it("a replayed order: alice's 50-lot buy, filled in batch 3, filled again in batch 4", async () => {
    const w = hostile(4, (h) => {
      void h; // batch 4 is replaced by the replay; batch 3 filled alice's order to its 50 lots
      return {
        time: 3_500n,
        ops: [
          { kind: "settle", accountId: 1, marketId: 0 },
          { kind: "settle", accountId: 2, marketId: 0 },
          {
            kind: "fill",
            marketId: 0,
            taker: order({ accountId: 1, nonce: 1n, side: "buy", size: 50n }),
            maker: order({ accountId: 2, nonce: 1n, side: "sell", size: 80n }),
            size: 10n,
            price: PX,
            takerFee: 0n,
            makerFee: 0n,
          },
        ],
      };
    });
    await refused(w, AT.overfilled, "ORDER_OVERFILLED");
  });

  it("an expired order", async () => {
    const w = hostile(3, (h, s) => {
      const stale = s.order(
        alice,
        order({ accountId: 1, nonce: 1n, side: "buy", size: 50n, expiryMs: 2_999n }),
      );
      return batch3(h, (f) => ({ ...f, taker: stale }));
    });
    await refused(w, AT.expired, "ORDER_EXPIRED");
  });

  it("a taker fee above the signed cap", async () => {
    const w = hostile(3, (h) => batch3(h, (f) => ({ ...f, takerFee: 5_000_001n })));
    await refused(w, AT.takerFee, "FEE_ABOVE_CAP");
  });

  it("a margin-breaking open: 1,000 lots on 1,000 USDC", async () => {
    const w = hostile(3, (h, s) => {
      const big = s.order(alice, order({ accountId: 1, nonce: 1n, side: "buy", size: 1000n }));
      const bigSell = s.order(bob, order({ accountId: 2, nonce: 1n, side: "sell", size: 1000n }));
      return batch3(h, (f) => ({
        ...f,
        taker: big,
        maker: bigSell,
        size: 1000n,
        takerFee: 0n,
        makerFee: 0n,
      }));
    });
    await refused(w, AT.initialMargin, "BELOW_INITIAL_MARGIN");
  });

  const liq = (
    h: StoryBatch,
    change: (o: Extract<ProofOp, { kind: "liquidation-fill" }>) => ProofOp,
  ): StoryBatch => ({
    ...h,
    ops: h.ops.map((o) => (o.kind === "liquidation-fill" ? change(o) : o)),
  });

  it("a liquidation of a healthy account (bob's short, forced to buy from the vault)", async () => {
    const w = hostile(4, (h) => liq(h, (o) => ({ ...o, liquidated: 2, size: 50n })));
    await refused(w, AT.liquidatable, "NOT_LIQUIDATABLE");
  });

  it("a liquidation that flips the position (alice's 50-lot long sold 60)", async () => {
    const w = hostile(4, (h) => liq(h, (o) => ({ ...o, size: -60n })));
    await refused(w, AT.liqReduces, "LIQUIDATION_GROWS");
  });

  it("a liquidation on the book at half the mark, against the operator's own signed bid", async () => {
    const w = hostile(4, (h, s) => {
      const bid = s.order(
        OPERATOR,
        order({ accountId: 0, nonce: 1n, side: "buy", size: 50n, price: 42n * USDC }),
      );
      return liq(h, (o) => ({ ...o, tier: "on-book", counterOrder: bid, price: 42n * USDC }));
    });
    await refused(w, AT.liqBand, "LIQUIDATION_OUTSIDE_BAND");
  });

  it("a vault takeover away from the mark", async () => {
    const w = hostile(4, (h) => liq(h, (o) => ({ ...o, price: 83n * USDC })));
    await refused(w, AT.vaultAtMark, "VAULT_NOT_AT_MARK");
  });

  it("a penalty above the cap (1% of what was closed)", async () => {
    const w = hostile(4, (h) => ({
      ...h,
      ops: h.ops.map((o) => (o.kind === "penalty" ? { ...o, amount: 42n * USDC + 1n } : o)),
    }));
    await refused(w, AT.penaltyCap, "PENALTY_ABOVE_CAP");
  });

  it("ADL that grows its counterparty (the vault's long)", async () => {
    const w = hostile(6, (h) => liq(h, (o) => ({ ...o, counterparty: 0 })));
    await refused(w, AT.adlReduces, "ADL_GROWS_COUNTERPARTY");
  });

  it("ADL above and below the bankruptcy price", async () => {
    await refused(
      hostile(6, (h) => liq(h, (o) => ({ ...o, price: ADL_PRICE + 1n }))),
      AT.adlNotGain,
      "ADL_NOT_BANKRUPTCY_PRICE",
    );
    await refused(
      hostile(6, (h) => liq(h, (o) => ({ ...o, price: ADL_PRICE - 1n }))),
      AT.adlFloor,
      "ADL_NOT_BANKRUPTCY_PRICE",
    );
  });

  it("a fund cover larger than the deficit", async () => {
    const w = hostile(6, (h) => ({
      ...h,
      ops: h.ops.map((o) => (o.kind === "cover" ? { ...o, fromFund: 14n } : o)),
    }));
    await refused(w, AT.cover, "COVER_MISMATCH");
  });

  it("a keeper price signed by anyone but the keeper", async () => {
    const w = hostile(4, (h, s) => {
      const hsh = priceMessage({ marketId: 0, price: 50n * USDC, timestampMs: 4_000n });
      s.sigs.set(hsh, signPoseidon(OPERATOR.prv, hsh));
      return {
        ...h,
        ops: [
          {
            kind: "price",
            marketId: 0,
            indexPrice: 50n * USDC,
            timestampMs: 4_000n,
            mark: 50n * USDC,
            fundingIndex: 0n,
          },
        ],
      };
    });
    await refused(w, AT.signature);
  });

  it("a stale keeper price: batch 1's signed price replayed in batch 4", async () => {
    const w = hostile(4, () => ({
      time: 4_000n,
      ops: [{ kind: "price", marketId: 0, indexPrice: PX, timestampMs: 1_000n, mark: PX, fundingIndex: 0n }],
    }));
    await refused(w, AT.staleIndex);
  });

  it("a mark outside the band around the signed index", async () => {
    const w = hostile(4, (h, s) => ({
      ...h,
      ops: [s.price(0, 84n * USDC, 4_000n, 70n * USDC), ...h.ops.slice(1)],
    }));
    await refused(w, AT.markBand);
  });

  it("a funding jump over the cap, and a small one before the period", async () => {
    await refused(
      hostile(4, (h, s) => ({
        ...h,
        ops: [s.price(0, 84n * USDC, 4_000n, 84n * USDC, 50n * USDC), ...h.ops.slice(1)],
      })),
      AT.fundingCap,
    );
    await refused(
      hostile(4, (h, s) => ({
        ...h,
        ops: [s.price(0, 84n * USDC, 4_000n, 84n * USDC, 1n), ...h.ops.slice(1)],
      })),
      AT.fundingGap,
    );
  });

  it("a replayed withdrawal (bob's nonce 2 again)", async () => {
    const w = hostile(4, (h) => ({
      time: 4_000n,
      ops: [{ kind: "withdrawal", accountId: 2, nonce: 2n, amount: 100n * USDC, l1Address: BOB_L1 }],
    }));
    await refused(w, AT.nonce, "STALE_NONCE");
  });

  it("a transfer of alice's cash to bob's account (another key), even signed by alice", async () => {
    const w = hostile(3, (h, s) =>
      batch3(
        h,
        undefined,
        s.transfer(alice, { from: 1, to: 2, nonce: 2n, amount: 100n * USDC, toField: 3n, isolatedField: 0n }),
      ),
    );
    await refused(w, AT.transferKey, "TRANSFER_OTHER_KEY");
  });
});
