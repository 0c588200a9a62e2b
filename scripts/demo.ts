/**
 * `npm run demo` against a running devnet: three traders deposit on L1, trade, one gets liquidated
 * through the liquidation lane, one withdraws and claims on L1. It waits until every batch it caused
 * is verified on L1 and prints the L1 tx hashes and roots.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ApiClient, postPrice, Trader } from "../node/client/api-client.ts";
import { devnetUser } from "../node/client/l1-user.ts";
import { DEFAULT_DEVNET_DIR, type DevnetInfo } from "../node/devnet/devnet.ts";
import { waitFor } from "../node/devnet/processes.ts";
import { devKey } from "../sequencer/crypto/keys.ts";

const infoPath = join(process.env.DEVNET_DIR ?? DEFAULT_DEVNET_DIR, "devnet.json");
let info: DevnetInfo;
try {
  info = JSON.parse(readFileSync(infoPath, "utf8")) as DevnetInfo;
} catch {
  console.error(`no devnet found (${infoPath} is missing): start one with \`npm run devnet\` first`);
  process.exit(1);
}
const api = new ApiClient(info.apiUrl);
const USDC = 1_000_000n;
const say = (m: string) => console.log(`[demo] ${m}`);
const run = Date.now().toString(36);

const users = ["alice", "bob", "carol"].map((name, i) => {
  const key = devKey(`demo-${run}-${name}`);
  const l1 = devnetUser(info, i);
  return { name, key, l1 };
});
const [alice, bob, carol] = users as [(typeof users)[0], (typeof users)[0], (typeof users)[0]];

say("depositing on L1 (MockUSDC faucet → Rollup.deposit)");
await alice.l1.deposit(alice.key.pubKey, 200_000n * USDC);
await bob.l1.deposit(bob.key.pubKey, 200_000n * USDC);
await carol.l1.deposit(carol.key.pubKey, 1_000n * USDC);
const [A, B, C] = (await Promise.all(
  users.map((u) =>
    waitFor(`${u.name}'s account on L2`, () => Trader.attach(api, u.key.prv, u.key.pubKey), 60_000, 300),
  ),
)) as [Trader, Trader, Trader];
say(`accounts on L2: alice=${A.accountId} bob=${B.accountId} carol=${C.accountId}`);

const book = await waitFor(
  "a mark price for market 0",
  async () => {
    const b = await api.get<{ market: { markPrice: string; tickSize: string } }>("/markets/0/book");
    return BigInt(b.market.markPrice) > 0n ? b : undefined;
  },
  60_000,
);
const tick = BigInt(book.market.tickSize);
const mark = BigInt(book.market.markPrice);
const at = (bps: bigint) => ((mark * (10_000n + bps)) / 10_000n / tick) * tick;
say(`market 0 mark = ${Number(mark) / 1e6} USDC per lot`);

say("alice quotes: asks at mark, bids 3% below");
await A.order({ marketId: 0, side: "sell", type: "limit", price: at(0n), size: 400n });
await A.order({ marketId: 0, side: "buy", type: "limit", price: at(-300n), size: 100n });
const bobFill = await B.order({ marketId: 0, side: "buy", type: "market", size: 50n });
say(`bob market-buys 50 lots: ${JSON.stringify(bobFill.status)}`);
const carolFill = await C.order({
  marketId: 0,
  side: "buy",
  type: "limit",
  tif: "IOC",
  price: at(0n),
  size: 140n,
});
say(`carol buys 140 lots on ~9x leverage: ${JSON.stringify(carolFill.status)}`);

say("oracle shock: the index drops 10% (signed with the devnet keeper key)");
const keeper = devKey(info.keeperSeed);
// While the provers are busy the sequencer holds prices and applies only the newest per market, so
// the running keeper's next tick can supersede the shock before it lands. The shock is sent every
// 150 ms without waiting for its answer (a held price answers only when it is applied or
// superseded) until the index shows it.
const shock = at(-1000n);
await waitFor(
  "the oracle shock applied",
  async () => {
    void postPrice(api, keeper.prv, 0, shock, BigInt(Date.now())).catch(() => {});
    const b = await api.get<{ market: { indexPrice: string } }>("/markets/0/book");
    if (BigInt(b.market.indexPrice) === shock) return true;
    return (await api.closedLiquidation(C.accountId)) ? true : undefined;
  },
  60_000,
  150,
);
const liq = await waitFor("carol's liquidation", () => api.closedLiquidation(C.accountId), 60_000);
const carolNow = await api.get<{ leaf: { positions: { size: string }[] } }>(`/accounts/${C.accountId}`);
say(
  `carol liquidated through the liquidation lane (${liq.policy} policy, deepest tier ${liq.tier}): ` +
    liq.fills.map((f) => `${f.tier} ${f.size} @ ${Number(f.price) / 1e6}`).join(", ") +
    `; penalty ${Number(liq.penalty) / 1e6} USDC to the insurance fund; ` +
    `her position is now ${carolNow.leaf.positions[0]?.size} lots (the waterfall stops once she is back above maintenance)`,
);

say("alice withdraws 1,000 USDC to her L1 address");
await A.withdraw(1_000n * USDC, alice.l1.address);

const last = await api.sealedUpToNow(60_000);
say(`waiting until batch ${last} is verified on L1 (proofs take a while on 2 cores)…`);
await alice.l1.untilVerified(last, 30 * 60_000, 1000);

console.log(
  "\nbatch  priority     status    L1 tx                                                               new state root",
);
for (let n = 1n; n <= last; n++) {
  const b = await api.batch(n);
  console.log(
    `${String(n).padEnd(6)} ${b.priority.padEnd(12)} ${b.status.padEnd(9)} ${b.l1TxHash ?? "-".padEnd(66)}  0x${BigInt(b.newStateRoot).toString(16)}`,
  );
}
const l1Root = await alice.l1.stateRoot();
say(`L1 Rollup.stateRoot() = 0x${l1Root.toString(16)}`);

const before = await alice.l1.balance();
await alice.l1.claim();
const after = await alice.l1.balance();
say(`alice claimed her withdrawal on L1: +${Number(after - before) / 1e6} USDC`);
say("done");
