import { type ChildProcessByStdio, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createInterface } from "node:readline";
import type { Readable, Writable } from "node:stream";
import {
  type Groth16Proof,
  NativeProverCrashedError,
  NativeProverUnavailableError,
  type ProducedProof,
  type ProofProducer,
  WitnessRejectedError,
} from "./producer.ts";

export interface NativeProducerOptions {
  bin: string;
  /** Threads per proof; 0 = every core. */
  threads: number;
}

interface Reply {
  ok: boolean;
  error?: string;
  proof?: Groth16Proof;
  publicSignals?: string[];
  timings?: Record<string, number>;
  peakRssKb?: number;
}

type Child = ChildProcessByStdio<Writable, Readable, Readable>;

/**
 * The native prover as a long-lived child (`zkprove --serve ZKEY`): it maps the zkey once, then
 * answers one JSON line per length-prefixed witness. If the child dies, the pending proof fails with
 * NativeProverCrashedError and the next call starts a new child.
 */
export class NativeProducer implements ProofProducer {
  readonly engine = "native" as const;
  private child: Child | undefined;
  private ready: Promise<void> | undefined;
  private waiting: Array<{ resolve: (r: Reply) => void; reject: (e: Error) => void }> = [];
  private queue: Promise<unknown> = Promise.resolve();
  private stderrTail = "";

  private constructor(
    readonly zkeyPath: string,
    private readonly o: NativeProducerOptions,
  ) {}

  /** Starts the child and waits until the zkey is loaded; throws NativeProverUnavailableError if it cannot. */
  static async start(zkeyPath: string, o: NativeProducerOptions): Promise<NativeProducer> {
    if (!existsSync(o.bin)) {
      throw new NativeProverUnavailableError(
        "NATIVE_PROVER_MISSING",
        `native prover binary ${o.bin} is missing: run \`npm run build:native\``,
        { details: { bin: o.bin } },
      );
    }
    const p = new NativeProducer(zkeyPath, o);
    await p.spawn();
    return p;
  }

  private spawn(): Promise<void> {
    const args = ["--serve", this.zkeyPath];
    if (this.o.threads > 0) args.push("--threads", String(this.o.threads));
    const child: Child = spawn(this.o.bin, args, { stdio: ["pipe", "pipe", "pipe"] });
    this.child = child;
    this.stderrTail = "";
    // Each child answers only its own requests: a late exit of an old child must not fail a new one's.
    const waiting: NativeProducer["waiting"] = [];
    this.waiting = waiting;
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d: string) => {
      this.stderrTail = (this.stderrTail + d).slice(-4000);
    });
    child.stdin.on("error", () => {}); // a dead child: reported by "exit" below
    const lines = createInterface({ input: child.stdout });
    this.ready = new Promise<void>((resolve, reject) => {
      let started = false;
      lines.on("line", (line) => {
        if (!started) {
          started = true;
          resolve();
          return;
        }
        const w = waiting.shift();
        if (!w) return;
        try {
          w.resolve(JSON.parse(line) as Reply);
        } catch (err) {
          w.reject(
            new NativeProverCrashedError("NATIVE_PROVER_PROTOCOL", "native prover sent a bad line", {
              cause: err,
            }),
          );
        }
      });
      const onGone = (why: string) => {
        if (this.child === child) this.child = undefined;
        const msg = `native prover ${why}${this.stderrTail ? `: ${this.stderrTail.trim()}` : ""}`;
        if (!started) {
          started = true;
          reject(
            new NativeProverUnavailableError("NATIVE_PROVER_START_FAILED", msg, {
              details: { zkey: this.zkeyPath },
            }),
          );
        }
        for (const w of waiting.splice(0))
          w.reject(new NativeProverCrashedError("NATIVE_PROVER_CRASHED", msg));
      };
      child.on("error", (err) => onGone(`could not start (${err.message})`));
      child.on("exit", (code, signal) => onGone(`exited (${signal ?? `code ${code}`})`));
    });
    return this.ready;
  }

  /** The serving child's pid, if one is running (for logs and tests). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  prove(wtns: Uint8Array): Promise<ProducedProof> {
    const run = this.queue.then(() => this.proveNow(wtns));
    this.queue = run.catch(() => {});
    return run;
  }

  private async proveNow(wtns: Uint8Array): Promise<ProducedProof> {
    if (!this.child) await this.spawn();
    await this.ready;
    const child = this.child;
    if (!child) throw new NativeProverCrashedError("NATIVE_PROVER_CRASHED", "native prover is not running");
    const reply = await new Promise<Reply>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      const head = Buffer.alloc(4);
      head.writeUInt32LE(wtns.byteLength, 0);
      child.stdin.write(head);
      child.stdin.write(wtns);
    });
    if (!reply.ok || !reply.proof || !reply.publicSignals) {
      throw new WitnessRejectedError(
        "WITNESS_REJECTED",
        `native prover rejected the witness: ${reply.error ?? "no proof"}`,
        {
          details: { error: reply.error },
        },
      );
    }
    const out: ProducedProof = { proof: reply.proof, publicSignals: reply.publicSignals, engine: "native" };
    if (reply.timings) out.timings = reply.timings;
    if (reply.peakRssKb !== undefined) out.peakRssKb = reply.peakRssKb;
    return out;
  }

  async close(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.stdin.end(); // EOF: the server returns 0
      setTimeout(() => child.kill("SIGKILL"), 2000).unref();
    });
  }
}
