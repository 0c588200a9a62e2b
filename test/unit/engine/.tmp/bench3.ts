import { OrderBook, RestingOrder } from "/work/main/sequencer/matching/order-book.ts";
import { planMatch, commitPlan } from "/work/main/sequencer/matching/matcher.ts";
const b = new OrderBook(0);
const n = 1_000_000;
let seed = 99;
const rnd = () => { seed |= 0; seed = (seed + 0x6d2b79f5) | 0; let t = Math.imul(seed ^ (seed >>> 15), 1 | seed); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0); };
let id = 0n;
const t = performance.now();
let fills = 0;
for (let i = 0; i < n; i++) {
  const x = rnd();
  const side = (x >> 4) & 1 ? "buy" : "sell";
  const price = BigInt(10_000 + (((x >> 8) % 41) - 20));
  const size = BigInt(1 + ((x >> 16) % 20));
  const plan = planMatch(b, side, price, size, (o, w) => ({ kind: "fill", size: w < o.remaining ? w : o.remaining }));
  commitPlan(b, plan);
  fills += plan.fills.length;
  if (plan.filled < size) b.add(new RestingOrder(++id, 1, 0, side, price, size, size - plan.filled));
}
const dt = performance.now() - t;
console.log("book match+rest ops/s", Math.round(n / (dt / 1000)), "fills", fills, "resting", b.size);
