import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { generateTape } from "../../../sequencer/sim/gen.ts";
import { POLICY_NAMES, policyParams } from "../../../sequencer/sim/policies.ts";
import { RootTracker, runTape, traderKey } from "../../../sequencer/sim/run.ts";
import { bigJson, parseTape } from "../../../sequencer/sim/tape.ts";

const ord = (
  t: number,
  trader: number,
  side: string,
  type: string,
  tif: string,
  price: string,
  size: string,
) => ({
  t,
  kind: "order",
  trader,
  marketId: 0,
  side,
  type,
  tif,
  price,
  size,
});
const hand = [
  {
    format: "zk-perps-tape",
    version: 1,
    seed: "h",
    shape: "hand",
    markets: 1,
    startMs: "1000000",
    durationMs: 30_000,
    traders: 3,
    initialPrices: ["60000000"],
  },
  { t: 0, kind: "price", marketId: 0, price: "60000000" },
  { t: 0, kind: "deposit", trader: 0, amount: "100000000000" },
  { t: 0, kind: "deposit", trader: 1, amount: "6000000000" },
  ord(1, 0, "sell", "limit", "GTC", "60000000", "800"), // ref 3: rests, then trader 1 takes it all
  ord(2, 0, "buy", "limit", "GTC", "50000000", "5"), // ref 4: rests, cancelled below
  ord(3, 1, "buy", "limit", "IOC", "60000000", "800"), // ref 5: IOC, never rests
  ord(4, 2, "buy", "market", "IOC", "0", "1"), // trader 2 has no account
  { t: 5, kind: "cancel", trader: 0, ref: 4 },
  { t: 6, kind: "cancel", trader: 0, ref: 3 },
  { t: 6, kind: "cancel", trader: 1, ref: 5 },
  ord(7, 0, "buy", "limit", "GTC", "54000000", "2000"),
  { t: 1000, kind: "price", marketId: 0, price: "55000000" },
];
const handTape = () => parseTape(`${hand.map((x) => JSON.stringify(x)).join("\n")}\n`);

describe("sim run", () => {
  it("replays a hand tape: accounts, cancels by ref, rejections by code, a liquidation after a price", async () => {
    const r = await runTape(handTape(), "simple");
    const e = r.engine;
    assert.equal(r.accounts.get(0), e.accountIdByKey(traderKey(0).pubKeyX, traderKey(0).pubKeyY));
    assert.equal(r.deposits, 106_000_000_000n);
    assert.equal(r.rejections.order?.NO_ACCOUNT, 1, "trader 2 never deposited");
    assert.equal(r.rejections.cancel?.UNKNOWN_ORDER, 1, "ref 3 rested, then the taker filled it");
    assert.equal(r.rejections.cancel?.NOT_RESTING, 1, "ref 5 was an IOC and never rested");
    assert.equal(r.applied.cancel, 1, "ref 4 rested and was cancelled");
    // Trader 1: long 800 lots at 60 USDC (48,000 USDC notional) on 6,000 USDC: at 55 USDC its equity
    // 6,000 − 4,000 = 2,000 < 5% × 44,000 = 2,200, so the price tx is followed by its liquidation.
    assert.equal(r.applied.liquidation, 1);
    assert.equal(e.account(r.accounts.get(1) as number)?.positions[0]?.size, 0n);
    assert.deepEqual(e.selfCheck(), []);
  });

  it("policies: every name builds valid params; an unknown name lists the known ones", () => {
    for (const p of POLICY_NAMES) assert.ok(policyParams(p, 1, 5n).risk);
    assert.throws(() => policyParams("okx", 1), /unknown policy "okx"; known policies: simple, ftx/);
  });

  it("the incremental state root equals one computed from scratch", async () => {
    const tape = generateTape({ shape: "crash", seed: "r", minutes: 1, orderMultiplier: 10 });
    const r = await runTape(tape, "simple", { rootEvery: 500 });
    assert.ok(r.roots.length > 0);
    assert.equal(r.finalRoot, await new RootTracker(r.engine).root());
  });

  it("replay is deterministic under every policy (ledger JSON and final state root)", async () => {
    const tape = generateTape({ shape: "crash", seed: "det", minutes: 1, orderMultiplier: 10 });
    const roots = new Set<bigint>();
    for (const p of POLICY_NAMES) {
      const a = await runTape(tape, p);
      const b = await runTape(tape, p);
      assert.equal(bigJson(a.ledger), bigJson(b.ledger), `${p}: ledger`);
      assert.equal(a.finalRoot, b.finalRoot, `${p}: root`);
      assert.equal(bigJson(a.summary), bigJson(b.summary), `${p}: summary`);
      roots.add(a.finalRoot);
    }
    assert.ok(roots.size >= 1);
  });
});
