/**
 * Signing in worker processes, so the lab can pre-sign a whole tape before the clock starts and
 * re-sign an order whose nonce moved (an earlier request was refused) without stalling the send loop.
 * One signature costs ~0.7 ms of CPU; on the send path that would cap the client near 1.4k/s/core.
 */

import { type ChildProcess, fork } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import type { SignatureJson } from "../../sequencer/crypto/signature-json.ts";
import type { EngineTx } from "../../sequencer/engine/types.ts";
import type { SignAnswer, SignJob } from "./sign-worker.ts";

export interface SignItem {
  prv: Uint8Array;
  tx: EngineTx;
}

export class SignPool {
  readonly #workers: ChildProcess[];
  #closing = false;
  readonly #waiting = new Map<
    number,
    { resolve: (s: SignatureJson[]) => void; reject: (e: Error) => void }
  >();
  #next = 0;
  #rr = 0;

  constructor(threads = Math.max(1, availableParallelism())) {
    // Processes, not worker threads: circomlibjs pulls in `web-worker`, which in any worker thread
    // takes over the thread as a web worker. "advanced" IPC carries bigints and byte arrays.
    const path = fileURLToPath(new URL("./sign-worker.ts", import.meta.url));
    this.#workers = Array.from({ length: threads }, () => {
      const w = fork(path, [], { execArgv: ["--import", "tsx"], serialization: "advanced" });
      w.on("message", (a: SignAnswer) => {
        const p = this.#waiting.get(a.id);
        this.#waiting.delete(a.id);
        p?.resolve(a.signatures);
      });
      w.on("exit", (code) => {
        if (code === 0 || this.#closing) return;
        for (const p of this.#waiting.values()) p.reject(new Error(`a signing process exited (${code})`));
        this.#waiting.clear();
      });
      w.on("error", (err) => {
        for (const p of this.#waiting.values()) p.reject(err);
        this.#waiting.clear();
      });

      return w;
    });
  }

  /** Signatures of `items`, in order; split across the threads in chunks. */
  async sign(items: readonly SignItem[], chunk = 256): Promise<SignatureJson[]> {
    const parts: Promise<SignatureJson[]>[] = [];
    for (let i = 0; i < items.length; i += chunk) parts.push(this.#job(items.slice(i, i + chunk)));
    return (await Promise.all(parts)).flat();
  }

  async signOne(item: SignItem): Promise<SignatureJson> {
    return (await this.#job([item]))[0]!;
  }

  #job(items: SignItem[]): Promise<SignatureJson[]> {
    const id = this.#next++;
    const w = this.#workers[this.#rr++ % this.#workers.length]!;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      w.send({ id, items } satisfies SignJob);
    });
  }

  async close(): Promise<void> {
    this.#closing = true;
    for (const w of this.#workers) w.kill();
  }
}
