/**
 * The lab's open-loop sender. Requests leave on the tape's schedule whatever earlier answers were,
 * with one exception: one account's requests go one at a time, because the sequencer takes exactly
 * the next nonce and HTTP gives no order between connections. A request that had to wait for its
 * account is sent late, and is counted as a late send; across accounts nothing waits.
 *
 * Every request ends with one outcome: acked, rejected (with the server's code), timed out, or skipped
 * (a cancel whose order was never acked, so there is nothing to cancel and nothing is sent).
 */
import type { SignatureJson } from "../../sequencer/crypto/signature-json.ts";
import type { EngineTx } from "../../sequencer/engine/types.ts";
import {
  type CancelTx,
  cancelWire,
  orderTx,
  orderWire,
  type PriceTx,
  priceWire,
  signTx,
} from "../client/signed-bodies.ts";
import type { LabPlan, LabRequest } from "./plan.ts";
import type { SignPool } from "./sign-pool.ts";

export type Outcome = "acked" | "rejected" | "timeout" | "skipped" | "unanswered";

export interface RequestRecord {
  i: number;
  kind: LabRequest["kind"];
  lane: "normal" | "liquidation";
  /** Epoch ms. */
  sched: number;
  sent?: number;
  answered?: number;
  outcome: Outcome;
  code?: string;
  /** A 503's Retry-After, seconds (absent when the server gave none). */
  retryAfterS?: number;
  orderId?: bigint;
}

export interface SlotAccount {
  accountId: number;
  prv: Uint8Array;
  /** The next nonce the account will sign. */
  nonce: bigint;
}

export interface DriverOptions {
  apiUrl: string;
  plan: LabPlan;
  accounts: SlotAccount[];
  keeperPrv: Uint8Array;
  pool: SignPool;
  timeoutMs: number;
  /** Called with each posted index price (for the report's context line). */
  onPrice?: (marketId: number, price: bigint, at: number) => void;
}

interface Slot {
  account: SlotAccount;
  queue: LabRequest[];
  busy: boolean;
  /** After a timeout the account's nonce is unknown until read back. */
  resync: boolean;
}

const slotOrder = (a: SlotAccount, r: Extract<LabRequest, { kind: "order" }>, nonce: bigint) =>
  orderTx({ accountId: a.accountId, nonce, ...r.order });

export class Driver {
  readonly records: RequestRecord[];
  readonly #o: DriverOptions;
  readonly #slots: Slot[];
  readonly #keeper: Slot;
  /** Pre-signed orders by schedule index, with the nonce they were signed for. */
  readonly #presigned = new Map<number, { nonce: bigint; sig: SignatureJson }>();
  #lastPriceTs = 0;
  #inFlight = 0;
  #idle: (() => void) | undefined;

  constructor(o: DriverOptions) {
    this.#o = o;
    this.records = o.plan.requests.map((r) => ({
      i: r.i,
      kind: r.kind,
      lane: r.kind === "price" ? "liquidation" : "normal",
      sched: 0,
      outcome: "unanswered",
    }));
    this.#slots = o.accounts.map((account) => ({ account, queue: [], busy: false, resync: false }));
    this.#keeper = {
      account: { accountId: -1, prv: o.keeperPrv, nonce: 0n },
      queue: [],
      busy: false,
      resync: false,
    };
  }

  /** Signs every order for the nonce it gets if everything before it on its account is acked. */
  async presign(onProgress?: (done: number, total: number) => void): Promise<void> {
    const nonces = this.#slots.map((s) => s.account.nonce);
    const items: { i: number; nonce: bigint; prv: Uint8Array; tx: EngineTx }[] = [];
    for (const r of this.#o.plan.requests) {
      if (r.kind === "price") continue;
      const nonce = nonces[r.slot]!;
      nonces[r.slot] = nonce + 1n;
      if (r.kind !== "order") continue;
      const a = this.#slots[r.slot]!.account;
      items.push({ i: r.i, nonce, prv: a.prv, tx: slotOrder(a, r, nonce) });
    }
    const chunk = 2_000;
    for (let k = 0; k < items.length; k += chunk) {
      const part = items.slice(k, k + chunk);
      const sigs = await this.#o.pool.sign(part);
      for (const [j, it] of part.entries()) this.#presigned.set(it.i, { nonce: it.nonce, sig: sigs[j]! });
      onProgress?.(Math.min(items.length, k + chunk), items.length);
    }
  }

  /** Sends the whole schedule from `startAt` (epoch ms); resolves when every request has its outcome. */
  async run(startAt: number): Promise<RequestRecord[]> {
    for (const r of this.#o.plan.requests) this.records[r.i]!.sched = startAt + r.t;
    for (const r of this.#o.plan.requests) {
      const wait = startAt + r.t - Date.now();
      if (wait > 1) await new Promise((res) => setTimeout(res, wait));
      if (r.kind === "price") {
        // Prices are not held back for an answer: the sequencer may hold a small move until the
        // open batch takes a price (PRICE_BATCH_WAIT_MS), and a keeper that waited would fall behind.
        // Sent in timestamp order; one overtaken in flight is refused as stale, as a keeper's would be.
        this.#inFlight++;
        void this.#send(this.#keeper, r)
          .catch(() => {})
          .finally(() => this.#done());
        continue;
      }
      const slot = this.#slots[r.slot]!;
      slot.queue.push(r);
      this.#pump(slot);
    }
    // Each request is bounded by the timeout, so this ends; an account's queue drains one by one.
    while (this.#inFlight > 0 || this.#slots.some((s) => s.queue.length > 0))
      await new Promise<void>((res) => {
        this.#idle = res;
      });
    return this.records;
  }

  #pump(slot: Slot): void {
    if (slot.busy) return;
    const r = slot.queue.shift();
    if (!r) return;
    slot.busy = true;
    this.#inFlight++;
    this.#send(slot, r)
      .catch(() => {})
      .finally(() => {
        slot.busy = false;
        this.#pump(slot);
        this.#done();
      });
  }

  #done(): void {
    this.#inFlight--;
    const idle = this.#idle;
    this.#idle = undefined;
    idle?.();
  }

  async #send(slot: Slot, r: LabRequest): Promise<void> {
    const rec = this.records[r.i]!;
    const a = slot.account;
    if (slot.resync) await this.#resync(slot);
    let path: string;
    let body: Record<string, unknown>;
    if (r.kind === "price") {
      const ts = Math.max(Date.now(), this.#lastPriceTs + 1);
      this.#lastPriceTs = ts;
      const tx: PriceTx = { kind: "price", marketId: r.marketId, price: r.price, timestampMs: BigInt(ts) };
      path = "/prices";
      body = priceWire(tx, signTx(a.prv, tx));
      this.#o.onPrice?.(r.marketId, r.price, ts);
    } else if (r.kind === "order") {
      const pre = this.#presigned.get(r.i);
      const tx = slotOrder(a, r, a.nonce);
      // A refused request leaves the nonce where it was, so every later pre-signed order of the account
      // is one ahead: re-signed here, in this thread (~0.7 ms), not behind the pool's IPC queue.
      const signature = pre && pre.nonce === a.nonce ? pre.sig : signTx(a.prv, tx);
      this.#presigned.delete(r.i);
      path = "/orders";
      body = orderWire(tx, signature);
    } else {
      const orderId = this.records[r.ref]!.orderId;
      if (orderId === undefined) {
        rec.outcome = "skipped";
        return;
      }
      const tx: CancelTx = {
        kind: "cancel",
        accountId: a.accountId,
        nonce: a.nonce,
        marketId: r.marketId,
        orderId,
      };
      path = "/cancels";
      body = cancelWire(tx, signTx(a.prv, tx));
    }
    rec.sent = Date.now();
    try {
      const res = await fetch(`${this.#o.apiUrl}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.#o.timeoutMs),
      });
      const json = (await res.json().catch(() => ({}))) as { code?: string; orderId?: string };
      rec.answered = Date.now();
      if (res.ok) {
        rec.outcome = "acked";
        if (r.kind !== "price") a.nonce++;
        if (r.kind === "order" && json.orderId !== undefined) rec.orderId = BigInt(json.orderId);
      } else {
        rec.outcome = "rejected";
        rec.code = json.code ?? `HTTP_${res.status}`;
        const retry = res.headers.get("retry-after");
        if (retry !== null) rec.retryAfterS = Number(retry);
        if (rec.code === "BAD_NONCE") slot.resync = true;
      }
    } catch {
      // A request that timed out may still be applied: the account's nonce is read back before its next.
      rec.answered = Date.now();
      rec.outcome = "timeout";
      if (r.kind !== "price") slot.resync = true;
    }
  }

  async #resync(slot: Slot): Promise<void> {
    try {
      const res = await fetch(`${this.#o.apiUrl}/accounts/${slot.account.accountId}`, {
        signal: AbortSignal.timeout(this.#o.timeoutMs),
      });
      const j = (await res.json()) as { leaf: { nonce: string } };
      slot.account.nonce = BigInt(j.leaf.nonce) + 1n;
      slot.resync = false;
    } catch {
      // Still unknown: the next request tries again.
    }
  }
}
