/**
 * The intake benchmark's order flow: pairs of traders crossing each other at the mark, taking turns as
 * maker and taker so positions stay within one lot. Every order is accepted by the engine (a fill, or
 * the maker resting for its partner), so "accepted per second" counts signature checks, admission,
 * the engine and the WAL, not refusals. Bodies are signed ahead, in child processes, and cached by
 * their parameters (EdDSA here is deterministic, so a cached body is the body signing would make).
 */
import { fork } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Packr } from "msgpackr";
import { type OrderTermsIn, signedOrderBody } from "../../node/client/signed-bodies.ts";
import { devKey } from "../../sequencer/crypto/keys.ts";

export interface Workload {
  seed: string;
  pairs: number;
  rounds: number;
  /** Account id of the first trader: traders are deposited in order, two per pair. */
  firstAccountId: number;
  price: bigint;
}

export const traderKey = (w: Workload, i: number) => devKey(`${w.seed}-${i}`);

/** Pair p's orders in the order they must be sent: its maker's, then its taker's, round by round. */
export function pairTerms(w: Workload, p: number): OrderTermsIn[] {
  const a = w.firstAccountId + 2 * p;
  const out: OrderTermsIn[] = [];
  for (let r = 0; r < w.rounds; r++) {
    const nonce = BigInt(r + 1);
    const aSide = r % 2 === 0 ? "sell" : "buy";
    const bSide = aSide === "sell" ? "buy" : "sell";
    for (const [accountId, side] of [
      [a, aSide],
      [a + 1, bSide],
    ] as const)
      out.push({ accountId, nonce, marketId: 0, side, type: "limit", price: w.price, size: 1n });
  }
  return out;
}

export function signPairs(w: Workload, from: number, to: number): Record<string, unknown>[][] {
  const out: Record<string, unknown>[][] = [];
  for (let p = from; p < to; p++) {
    const keys = [traderKey(w, 2 * p), traderKey(w, 2 * p + 1)];
    out.push(pairTerms(w, p).map((t) => signedOrderBody(keys[(t.accountId - w.firstAccountId) % 2]!.prv, t)));
  }
  return out;
}

const packr = new Packr({ useRecords: false });

function cachePath(w: Workload): string {
  return join(
    tmpdir(),
    `zk-perps-intake-${w.seed}-${w.pairs}x${w.rounds}-${w.firstAccountId}-${w.price}.msgpack`,
  );
}

/** Every pair's signed bodies, from the cache or signed now over `procs` child processes. */
export async function presign(
  w: Workload,
  procs: number,
): Promise<{ bodies: Record<string, unknown>[][]; file: string }> {
  const file = cachePath(w);
  if (existsSync(file))
    return { bodies: packr.unpack(readFileSync(file)) as Record<string, unknown>[][], file };
  const per = Math.ceil(w.pairs / procs);
  const parts = await Promise.all(
    Array.from({ length: procs }, (_, i) => {
      const from = i * per;
      const to = Math.min(w.pairs, from + per);
      return new Promise<Record<string, unknown>[][]>((resolve, reject) => {
        const child = fork(new URL("./sign-child.ts", import.meta.url), [], {
          execArgv: ["--import", "tsx"],
          serialization: "advanced",
        });
        child.once("message", (m) => resolve(m as Record<string, unknown>[][]));
        child.once("error", reject);
        child.once("exit", (code) => code !== 0 && reject(new Error(`signer exited with ${code}`)));
        child.send({ w: { ...w, price: w.price.toString() }, from, to });
      });
    }),
  );
  const bodies = parts.flat();
  writeFileSync(file, packr.pack(bodies));
  return { bodies, file };
}
