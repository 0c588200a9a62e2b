import { cpus } from "node:os";
import { Worker } from "node:worker_threads";
import { buildBn128 } from "ffjavascript";
import { SetupError } from "./errors.ts";
import { FIXED_BASE_WORKER_SOURCE } from "./fixed-base-worker-source.ts";

export type Group = "g1" | "g2";

/** Bytes of one affine point in LEM (little-endian Montgomery) form, the zkey's point encoding. */
export const AFFINE_SIZE: Record<Group, number> = { g1: 64, g2: 128 };

const CHUNK = 2048;

interface GroupLike {
  g: unknown;
  toRprLEM(buf: Uint8Array, offset: number, p: unknown): void;
}
/** The part of an ffjavascript curve we use: its generators and their LEM encoding. */
export interface CurveGenerators {
  G1: GroupLike;
  G2: GroupLike;
}

interface Pending {
  resolve: (v: Uint8Array | undefined) => void;
  reject: (e: unknown) => void;
}

/**
 * A pool of worker threads that multiply the bn128 generators by many scalars. Results are affine LEM
 * points, written back in input order, so the output is deterministic whatever the scheduling.
 */
export class FixedBaseMultiplier {
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();

  private constructor(private readonly workers: Worker[]) {
    for (const w of workers) {
      w.on("message", (msg: { id: number; points?: Uint8Array; error?: string }) => {
        const p = this.pending.get(msg.id);
        if (!p) return;
        this.pending.delete(msg.id);
        if (msg.error)
          p.reject(
            new SetupError("SETUP_WORKER_FAILED", "fixed-base worker failed", {
              details: { error: msg.error },
            }),
          );
        else p.resolve(msg.points);
      });
      w.on("error", (err) => {
        for (const p of this.pending.values())
          p.reject(new SetupError("SETUP_WORKER_FAILED", "fixed-base worker crashed", { cause: err }));
        this.pending.clear();
      });
    }
  }

  /** @param curve an ffjavascript bn128 curve (for the generators); the wasm bytes come from a private single-thread build. */
  static async create(
    curve: CurveGenerators,
    threads = Math.max(1, cpus().length),
  ): Promise<FixedBaseMultiplier> {
    // ffjavascript keeps the wasm bytes only on single-thread curves; that one owns no workers, so it
    // needs no terminate().
    const single = await buildBn128(true);
    const code: Uint8Array = single.tm.code;
    const g1 = new Uint8Array(AFFINE_SIZE.g1);
    curve.G1.toRprLEM(g1, 0, curve.G1.g);
    const g2 = new Uint8Array(AFFINE_SIZE.g2);
    curve.G2.toRprLEM(g2, 0, curve.G2.g);
    const workers = Array.from(
      { length: threads },
      () => new Worker(FIXED_BASE_WORKER_SOURCE, { eval: true }),
    );
    const pool = new FixedBaseMultiplier(workers);
    await Promise.all(workers.map((w) => pool.send(w, { cmd: "init", code: code.slice(), g1, g2 })));
    return pool;
  }

  private send(worker: Worker, msg: Record<string, unknown>): Promise<Uint8Array | undefined> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...msg, id });
    });
  }

  /**
   * Multiplies the generator of `group` by each 32-byte little-endian scalar (canonical, < r) in
   * `scalars` and returns the affine LEM points, `onProgress(done)` after every chunk.
   */
  async mul(group: Group, scalars: Uint8Array, onProgress?: (done: number) => void): Promise<Uint8Array> {
    const n = scalars.length / 32;
    const size = AFFINE_SIZE[group];
    const out = new Uint8Array(n * size);
    let next = 0;
    let done = 0;
    const runWorker = async (w: Worker) => {
      while (next < n) {
        const start = next;
        const end = Math.min(n, start + CHUNK);
        next = end;
        const pts = await this.send(w, { cmd: "mul", group, scalars: scalars.slice(start * 32, end * 32) });
        out.set(pts as Uint8Array, start * size);
        done += end - start;
        onProgress?.(done);
      }
    };
    await Promise.all(this.workers.map(runWorker));
    return out;
  }

  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

/** Packs canonical field elements as 32-byte little-endian words, the layout the workers read. */
export function packScalars(values: readonly bigint[]): Uint8Array {
  const buf = new Uint8Array(values.length * 32);
  const dv = new DataView(buf.buffer);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as bigint;
    const o = i * 32;
    dv.setBigUint64(o, v & 0xffffffffffffffffn, true);
    dv.setBigUint64(o + 8, (v >> 64n) & 0xffffffffffffffffn, true);
    dv.setBigUint64(o + 16, (v >> 128n) & 0xffffffffffffffffn, true);
    dv.setBigUint64(o + 24, v >> 192n, true);
  }
  return buf;
}
