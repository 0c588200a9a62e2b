import { Engine } from "/work/main/sequencer/engine/index.ts";
import { testParams } from "../helpers.ts";
import { OrderBook, RestingOrder } from "/work/main/sequencer/matching/order-book.ts";

// raw book: add + cancel
{
  const b = new OrderBook(0);
  const n = 1_000_000;
  let t = performance.now();
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const side = x & 1 ? "buy" : "sell";
    const price = side === "buy" ? BigInt(9_000 + (x % 1000)) : BigInt(10_001 + (x % 1000));
    b.add(new RestingOrder(BigInt(i), 1, 0, side, price, 10n, 10n));
    if (i >= 1000) b.remove(BigInt(i - 1000));
  }
  const dt = performance.now() - t;
  console.log("book add+remove ops/s", Math.round((2 * n) / (dt / 1000)));
}
// engine apply
{
  const e = new Engine(testParams({ maxAccounts: 1 << 16 }, 1));
  const N = 200;
  let seq = 0n;
  for (let i = 0; i < N; i++) e.apply({ kind: "deposit", depositIndex: BigInt(i), pubKeyX: BigInt(i + 10), pubKeyY: 1n, amount: 10n ** 12n }, ++seq);
  e.apply({ kind: "price", marketId: 0, price: 10_000n, timestampMs: 1n }, ++seq);
  const nonces = new Array(N + 1).fill(0n);
  const n = 200_000;
  let x = 777;
  const t = performance.now();
  let fills = 0;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const acc = 1 + (x % N);
    const side = (x >> 8) & 1 ? "buy" : "sell";
    const price = BigInt(10_000 + (((x >> 9) % 41) - 20));
    nonces[acc]++;
    const r = e.apply({ kind: "order", accountId: acc, nonce: nonces[acc], marketId: 0, side, type: "limit", tif: "GTC", price, size: BigInt(1 + ((x >> 3) % 20)) }, ++seq);
    fills += r.fills.length;
  }
  const dt = performance.now() - t;
  console.log("engine orders/s", Math.round(n / (dt / 1000)), "fills", fills, "resting", e.book(0, 100).bids.length);
}
{
  const e = new Engine(testParams({ maxAccounts: 1 << 16 }, 1));
  const N = 200;
  let seq = 0n;
  for (let i = 0; i < N; i++) e.apply({ kind: "deposit", depositIndex: BigInt(i), pubKeyX: BigInt(i + 10), pubKeyY: 1n, amount: 10n ** 12n }, ++seq);
  e.apply({ kind: "price", marketId: 0, price: 10_000n, timestampMs: 1n }, ++seq);
  const nonces = new Array(N + 1).fill(0n);
  let x = 777;
  for (let i = 0; i < 20000; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const acc = 1 + (x % N);
    const side = (x >> 8) & 1 ? "buy" : "sell";
    const price = BigInt(10_000 + (((x >> 9) % 41) - 20));
    nonces[acc]++;
    e.apply({ kind: "order", accountId: acc, nonce: nonces[acc], marketId: 0, side, type: "limit", tif: "GTC", price, size: BigInt(1 + ((x >> 3) % 20)) }, ++seq);
  }
  let total = 0; for (let i = 0; i < e.accountCount(); i++) total += e.openOrders(i).length;
  const b = e.book(0, 1000);
  console.log(b.bids.slice(0,3), b.asks.slice(0,3)); console.log("open orders", total, "book levels", b.bids.length, b.asks.length, b.bids.reduce((s, l) => s + l.orders, 0) + b.asks.reduce((s, l) => s + l.orders, 0));
}
