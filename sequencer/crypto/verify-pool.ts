/**
 * EdDSA-Poseidon signature checks off the event loop. Intake spends most of its CPU on signature
 * checks (~50 µs each on the native addon, against a few µs for everything else an order costs before
 * the engine), so they run in worker threads while the main thread parses and applies.
 *
 * Checks asked for in the same tick (`verify`) are gathered into one batch on the next turn of the
 * event loop (setImmediate, so HTTP requests read in the same poll phase share it); `verifyMany`
 * sends its items as one batch at once. A batch is split over the workers by their in-flight load.
 *
 * In-thread fallback, same verdicts: with one core (a worker would only add a copy and a context
 * switch), with `threads: 0`, or when the native addon is not the backend (the workers only speak
 * native; the wasm engine stays in the main thread).
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { BaseError } from "../../core/errors.ts";
import { type SignedMessage, verifyBatch } from "./eddsa.ts";
import { ADDON_PATH, activeNative } from "./native.ts";
import { poseidon } from "./poseidon.ts";
import type { SignatureFields } from "./signature-json.ts";
import {
  VERIFY_WORKER_SOURCE,
  type VerifyRequest,
  type VerifyResponse,
  type VerifyWorkerData,
} from "./verify-pool-worker.ts";

/**
 * One signature to check, over `msg`, or over Poseidon(`preimage`) when `msg` is not given: then the
 * hash is computed where the check runs and handed back (`Verdict.msg`).
 */
export interface VerifyItem {
  msg?: bigint;
  preimage?: readonly bigint[];
  sig: SignatureFields;
  pubKey: readonly [bigint, bigint];
}

export interface Verdict {
  ok: boolean;
  /** The message checked against: `msg`, or the hash of `preimage` (undefined if it did not hash). */
  msg: bigint | undefined;
}

export interface VerifyPoolOptions {
  /** Worker threads; 0 = verify in this thread. Default: one per core, in-thread on a single core. */
  threads?: number;
  /** Most signatures in one message to a worker: bounds the latency a big frame adds to small ones. */
  maxBatch?: number;
}

export class VerifyPoolClosedError extends BaseError {
  override name = "VerifyPoolClosedError";
  constructor() {
    super("VERIFY_POOL_CLOSED", "the signature verify pool was closed before this check finished");
  }
}

export class VerifyWorkerFailedError extends BaseError {
  override name = "VerifyWorkerFailedError";
  constructor(cause: unknown) {
    super("VERIFY_WORKER_FAILED", "a signature verify worker failed", { cause });
  }
}

interface Pending {
  items: VerifyItem[];
  resolve: (v: Verdict[]) => void;
  reject: (err: unknown) => void;
}

interface Job {
  resolve: (r: VerifyResponse) => void;
  reject: (err: unknown) => void;
  size: number;
}

interface Slot {
  worker: Worker;
  inFlight: Map<number, Job>;
  load: number;
  ready: Promise<void>;
  markReady: () => void;
}

/** The addon's flat input (six values per item), and the preimages the worker is to hash first. */
function toRequest(id: number, items: readonly VerifyItem[]): VerifyRequest {
  const flat: unknown[] = new Array(items.length * 6);
  const pre: (readonly bigint[] | null)[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const it = items[i]!;
    const o = 6 * i;
    flat[o] = it.msg;
    flat[o + 1] = it.sig.r8x;
    flat[o + 2] = it.sig.r8y;
    flat[o + 3] = it.pubKey[0];
    flat[o + 4] = it.pubKey[1];
    flat[o + 5] = it.sig.s;
    pre[i] = it.msg === undefined && it.preimage ? it.preimage : null;
  }
  return { id, flat, pre };
}

function hashIn(it: VerifyItem): bigint | undefined {
  if (it.msg !== undefined) return it.msg;
  try {
    return it.preimage ? poseidon(it.preimage) : undefined;
  } catch {
    return undefined; // a wrong arity or a non-bigint: the check fails, as it does in a worker
  }
}

function inThread(items: readonly VerifyItem[]): Verdict[] {
  const msgs = items.map(hashIn);
  const signed: SignedMessage[] = items.map((it, i) => ({
    msg: msgs[i] as bigint,
    sig: { R8: [it.sig.r8x, it.sig.r8y], S: it.sig.s },
    pubKey: [it.pubKey[0], it.pubKey[1]],
  }));
  return verifyBatch(signed).map((ok, i) => ({ ok: ok && msgs[i] !== undefined, msg: msgs[i] }));
}

export class VerifyPool {
  readonly #slots: Slot[] = [];
  readonly #maxBatch: number;
  #queue: Pending[] = [];
  #flushScheduled = false;
  #nextId = 1;
  #closed = false;

  constructor(o: VerifyPoolOptions = {}) {
    this.#maxBatch = o.maxBatch ?? 256;
    const cores = availableParallelism();
    const threads = o.threads ?? (cores > 1 ? cores : 0);
    // Workers load the addon themselves but rely on this thread having set Poseidon's constants.
    if (threads > 0 && activeNative()) for (let i = 0; i < threads; i++) this.#slots.push(this.#spawn());
  }

  /** Worker threads in use; 0 means checks run in the calling thread. */
  get threads(): number {
    return this.#slots.length;
  }

  /** Resolves once every worker has loaded the addon (so a benchmark does not time start-up). */
  async ready(): Promise<void> {
    await Promise.all(this.#slots.map((s) => s.ready));
  }

  /** One check, batched with every other check asked for in this tick. Never rejects on a bad signature. */
  async check(item: VerifyItem): Promise<Verdict> {
    const [v] = await this.#enqueue([item], false);
    return v!;
  }

  /** Many checks as one batch, sent now; one verdict per item, in order. */
  checkMany(items: readonly VerifyItem[]): Promise<Verdict[]> {
    return this.#enqueue(items.slice(), true);
  }

  async verify(item: VerifyItem): Promise<boolean> {
    return (await this.check(item)).ok;
  }

  async verifyMany(items: readonly VerifyItem[]): Promise<boolean[]> {
    return (await this.checkMany(items)).map((v) => v.ok);
  }

  /** Stops the workers; checks not yet answered reject with VerifyPoolClosedError. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const err = new VerifyPoolClosedError();
    for (const p of this.#queue) p.reject(err);
    this.#queue = [];
    const slots = this.#slots.splice(0);
    for (const s of slots) {
      for (const job of s.inFlight.values()) job.reject(err);
      s.inFlight.clear();
    }
    // An unref'd worker's exit does not hold the event loop: ref it so `await close()` returns.
    await Promise.all(
      slots.map((s) => {
        s.worker.ref();
        return s.worker.terminate();
      }),
    );
  }

  #enqueue(items: VerifyItem[], now: boolean): Promise<Verdict[]> {
    if (this.#closed) return Promise.reject(new VerifyPoolClosedError());
    if (items.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.#queue.push({ items, resolve, reject });
      if (now) this.#flush();
      else if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#flushScheduled = false;
    const batch = this.#queue;
    this.#queue = [];
    if (batch.length === 0) return;
    const items = batch.length === 1 ? batch[0]!.items : batch.flatMap((p) => p.items);
    const settle = (verdicts: Verdict[]) => {
      let o = 0;
      for (const p of batch) {
        p.resolve(batch.length === 1 ? verdicts : verdicts.slice(o, o + p.items.length));
        o += p.items.length;
      }
    };
    const fail = (err: unknown) => {
      for (const p of batch) p.reject(err);
    };
    if (this.#slots.length === 0) {
      try {
        settle(inThread(items));
      } catch (err) {
        fail(err);
      }
      return;
    }
    this.#dispatch(items).then(settle, fail);
  }

  /** Splits a batch into chunks, each to the least-loaded worker, and joins the verdicts in order. */
  async #dispatch(items: VerifyItem[]): Promise<Verdict[]> {
    const n = this.#slots.length;
    const chunk = Math.min(this.#maxBatch, Math.max(16, Math.ceil(items.length / n)));
    const parts: Promise<Verdict[]>[] = [];
    for (let from = 0; from < items.length; from += chunk) {
      const slot = this.#slots.reduce((a, b) => (b.load < a.load ? b : a));
      parts.push(this.#send(slot, items.slice(from, from + chunk)));
    }
    if (parts.length === 1) return parts[0]!;
    return (await Promise.all(parts)).flat();
  }

  #send(slot: Slot, items: VerifyItem[]): Promise<Verdict[]> {
    const req = toRequest(this.#nextId++, items);
    return new Promise((resolve, reject) => {
      // The worker hashed the preimages it was given; the others keep the msg they came with.
      const done = (r: VerifyResponse) =>
        resolve(items.map((it, i) => ({ ok: r.verdicts[i] === 1, msg: it.msg ?? r.msgs[i] })));
      slot.inFlight.set(req.id, { resolve: done, reject, size: items.length });
      slot.load += items.length;
      // Only busy workers keep the process alive: an idle pool must not stop a script from exiting.
      if (slot.inFlight.size === 1) slot.worker.ref();
      slot.worker.postMessage(req);
    });
  }

  #spawn(): Slot {
    const workerData: VerifyWorkerData = { addonPath: ADDON_PATH };
    const worker = new Worker(VERIFY_WORKER_SOURCE, { eval: true, workerData });
    let markReady!: () => void;
    const ready = new Promise<void>((r) => {
      markReady = r;
    });
    const slot: Slot = { worker, inFlight: new Map(), load: 0, ready, markReady };
    worker.on("message", (m: VerifyResponse | { ready: true }) => {
      if ("ready" in m) {
        // Ref'd while it starts (so `await ready()` holds the process), then only while busy.
        if (slot.inFlight.size === 0) worker.unref();
        return slot.markReady();
      }
      const job = slot.inFlight.get(m.id);
      // After close() nothing may unref the worker again: its exit must hold the event loop.
      if (!job || this.#closed) return;
      slot.inFlight.delete(m.id);
      slot.load -= job.size;
      if (slot.inFlight.size === 0) worker.unref();
      job.resolve(m);
    });
    // A dead worker leaves the pool; its checks fail with a typed error, later ones go to the others
    // (or in-thread once none is left).
    worker.on("error", (err) => this.#drop(slot, new VerifyWorkerFailedError(err)));
    worker.on("exit", (code) => {
      if (!this.#closed) this.#drop(slot, new VerifyWorkerFailedError(new Error(`exit code ${code}`)));
    });
    return slot;
  }

  #drop(slot: Slot, err: unknown): void {
    slot.markReady(); // `ready()` must not hang on a worker that died starting
    const i = this.#slots.indexOf(slot);
    if (i >= 0) this.#slots.splice(i, 1);
    for (const job of slot.inFlight.values()) job.reject(err);
    slot.inFlight.clear();
    slot.load = 0;
  }
}
