import { Engine } from "/work/main/sequencer/engine/index.ts";
import { testParams } from "../helpers.ts";
const e = new Engine(testParams({ maxAccounts: 1 << 16 }, 1));
const N = 200;
let seq = 0n;
for (let i = 0; i < N; i++) e.apply({ kind: "deposit", depositIndex: BigInt(i), pubKeyX: BigInt(i + 10), pubKeyY: 1n, amount: 10n ** 12n }, ++seq);
e.apply({ kind: "price", marketId: 0, price: 10_000n, timestampMs: 1n }, ++seq);
const nonces = new Array(N + 1).fill(0n);
let x = 777;
let t = performance.now();
for (let i = 1; i <= 300000; i++) {
  x = (x * 1103515245 + 12345) & 0x7fffffff;
  const acc = 1 + (x % N);
  const side = (x >> 8) & 1 ? "buy" : "sell";
  const price = BigInt(10_000 + (((x >> 9) % 41) - 20));
  nonces[acc]++;
  e.apply({ kind: "order", accountId: acc, nonce: nonces[acc], marketId: 0, side, type: "limit", tif: "GTC", price, size: BigInt(1 + ((x >> 3) % 20)) }, ++seq);
  if (i % 50000 === 0) { console.log(i, Math.round(50000 / ((performance.now() - t) / 1000)), "orders/s; book", e.book(0, 1000).bids.reduce((s, l) => s + l.orders, 0)); t = performance.now(); }
}
