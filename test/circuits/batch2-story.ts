/** The honest Batch2 story on the tiny instance, shared by the honest-run and the attack tests. */
import { devKey } from "../../sequencer/crypto/keys.ts";
import type { OrderTerms, ProofOp } from "../../sequencer/proof/ops.ts";
import type { Batch2Witness, ProofChain } from "../../sequencer/proof/witness.ts";
import { type CompiledBatch2, genesisChain, Signer } from "../utils/batch2.ts";

export const USDC = 1_000_000n;
export const PX = 100n * USDC;
export const alice = devKey("batch2 alice");
export const bob = devKey("batch2 bob");
export const carol = devKey("batch2 carol");
export const BOB_L1 = 0xb0bn;
// Carol's equity at 68 is -24,999,993: her bankruptcy price is 68 - ceil(E / 20) = 69,249,999, and
// closing there leaves -13 (in (-20, 0]) for the fund to cover.
export const CAROL_DEPOSIT = 295n * USDC + 7n;
export const ADL_PRICE = 69_249_999n;
export const FAR = 1n << 40n;

export function order(
  o: Partial<OrderTerms> & Pick<OrderTerms, "accountId" | "nonce" | "side" | "size">,
): OrderTerms {
  return { marketId: 0, type: "limit", tif: "GTC", price: PX, maxFeeBps: 10, expiryMs: FAR, ...o };
}

/**
 * The honest story on the tiny instance (4 accounts: the vault, alice, bob, carol), batch by batch:
 * 1. prices, alice deposits; 2. bob deposits; 3. alice's buy fills against bob's resting sell, bob
 * withdraws; 4. the index falls to 84, the vault takes alice's long over at the mark, she pays the
 * penalty, carol deposits; 5. carol buys 20 lots from bob; 6. the index falls to 68, carol is
 * bankrupt, ADL closes her against bob at her bankruptcy price, the fund covers the dust left.
 */
export function story(s: Signer) {
  const aliceBuy = s.order(alice, order({ accountId: 1, nonce: 1n, side: "buy", size: 50n }));
  const bobSell = s.order(bob, order({ accountId: 2, nonce: 1n, side: "sell", size: 80n }));
  const carolBuy = s.order(
    carol,
    order({ accountId: 3, nonce: 1n, side: "buy", size: 20n, price: 84n * USDC }),
  );
  const bobSell2 = s.order(
    bob,
    order({ accountId: 2, nonce: 3n, side: "sell", size: 20n, price: 84n * USDC }),
  );
  const deposit = (accountId: number, key: typeof alice, depositIndex: bigint, amount: bigint): ProofOp => ({
    kind: "deposit",
    accountId,
    depositIndex,
    pubKeyX: key.pubKey[0],
    pubKeyY: key.pubKey[1],
    amount,
  });
  const settle = (accountId: number, marketId: number): ProofOp => ({ kind: "settle", accountId, marketId });
  const batches: { time: bigint; ops: ProofOp[]; nonces?: Map<number, bigint> }[] = [
    {
      time: 1_000n,
      ops: [s.price(0, PX, 1_000n), s.price(1, 20n * USDC, 1_000n), deposit(1, alice, 0n, 1_000n * USDC)],
    },
    { time: 2_000n, ops: [deposit(2, bob, 1n, 2_000n * USDC)] },
    {
      time: 3_000n,
      ops: [
        settle(1, 0),
        settle(2, 0),
        {
          kind: "fill",
          marketId: 0,
          taker: aliceBuy,
          maker: bobSell,
          size: 50n,
          price: PX,
          takerFee: 2_500_000n,
          makerFee: 1_000_000n,
        },
        s.withdrawal(bob, { accountId: 2, nonce: 2n, amount: 100n * USDC, l1Address: BOB_L1 }),
      ],
      nonces: new Map([
        [1, 1n],
        [2, 2n],
      ]),
    },
    {
      time: 4_000n,
      ops: [
        s.price(0, 84n * USDC, 4_000n),
        settle(1, 0),
        settle(1, 1),
        settle(0, 0),
        settle(2, 0),
        {
          kind: "liquidation-fill",
          tier: "vault",
          marketId: 0,
          liquidated: 1,
          counterparty: 0,
          size: -50n,
          price: 84n * USDC,
          counterFee: 0n,
        },
        { kind: "penalty", accountId: 1, amount: 42n * USDC },
        deposit(3, carol, 2n, CAROL_DEPOSIT),
      ],
    },
    {
      time: 5_000n,
      ops: [
        settle(3, 0),
        settle(2, 0),
        {
          kind: "fill",
          marketId: 0,
          taker: carolBuy,
          maker: bobSell2,
          size: 20n,
          price: 84n * USDC,
          takerFee: 0n,
          makerFee: 0n,
        },
      ],
      nonces: new Map([
        [2, 3n],
        [3, 1n],
      ]),
    },
    {
      time: 6_000n,
      ops: [
        s.price(0, 68n * USDC, 6_000n),
        settle(3, 0),
        settle(3, 1),
        settle(2, 0),
        settle(0, 0),
        {
          kind: "liquidation-fill",
          tier: "adl",
          marketId: 0,
          liquidated: 3,
          counterparty: 2,
          size: -20n,
          price: ADL_PRICE,
          counterFee: 0n,
        },
        { kind: "cover", accountId: 3, fromFund: 13n, fromVault: 0n },
      ],
    },
  ];
  return batches;
}

export type StoryBatch = ReturnType<typeof story>[number];

/**
 * Runs the story on a fresh chain up to batch `upTo` (1-based, all by default). `hostile` may replace
 * the last batch: it gets the honest one and the signer, and returns the batch to build instead,
 * which is built `unchecked` so the model's refusal does not stop the witness.
 */
export function run(
  c: CompiledBatch2,
  upTo?: number,
  hostile?: (honest: StoryBatch, s: Signer) => StoryBatch,
): { chain: ProofChain; witnesses: Batch2Witness[]; signer: Signer } {
  const s = new Signer();
  const chain = genesisChain(c.inst);
  const all = story(s);
  const batches = all.slice(0, upTo ?? all.length);
  const witnesses = batches.map((honest, i) => {
    const last = i === batches.length - 1;
    const b = last && hostile ? hostile(honest, s) : honest;
    return chain.buildBatch({
      batchNumber: BigInt(i + 1),
      batchTimeMs: b.time,
      ops: b.ops,
      signatures: s.sigs,
      ...(b.nonces ? { nonces: b.nonces } : {}),
      ...(last && hostile ? { unchecked: true } : {}),
    });
  });
  return { chain, witnesses, signer: s };
}
