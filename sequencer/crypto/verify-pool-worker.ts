/**
 * The source of one verify-pool worker thread (see verify-pool.ts), run with `new Worker(src, { eval:
 * true })`: a .ts entry point does not load in a worker under tsx on Node 20 (the loader hooks are not
 * in place for the worker's main module), and the worker needs nothing but the addon.
 *
 * It takes batches of signatures as flat arrays of six bigints each and answers one 0/1 per signature.
 * It loads the addon by path and does not set Poseidon's constants: the addon's state is per process,
 * and the pool only starts workers after the main thread loaded it and set them. Writing them again
 * here while the main thread hashes would be a data race for nothing.
 */

export interface VerifyRequest {
  id: number;
  /** msg, R8x, R8y, Ax, Ay, S per signature; a non-bigint reads as a failed check. */
  flat: unknown[];
  /**
   * Per signature, the message's preimage when the worker is to hash it (Poseidon) into the msg slot
   * first, else null. Hashing here takes Poseidon(11), ~70 µs, off the event loop as well.
   */
  pre: (readonly bigint[] | null)[];
}

export interface VerifyResponse {
  id: number;
  verdicts: Uint8Array;
  /** The hash of each preimage given (undefined where none was, or it did not hash). */
  msgs: (bigint | undefined)[];
}

export interface VerifyWorkerData {
  addonPath: string;
}

export const VERIFY_WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const addon = require(workerData.addonPath);
if (!addon.selftest()) throw new Error("verify-pool worker: the native addon failed its self-test");
parentPort.on("message", (req) => {
  const msgs = new Array(req.pre.length);
  for (let i = 0; i < req.pre.length; i++) {
    const p = req.pre[i];
    if (!p) continue;
    // undefined for an input outside [0, 2^256): the msg slot then fails the check, as it should.
    const h = p.length >= 1 && p.length <= 16 ? addon.poseidon(p) : undefined;
    msgs[i] = h;
    req.flat[6 * i] = h;
  }
  // One thread per worker: the pool already spreads batches over the cores.
  const verdicts = addon.verifyBatch(req.flat, 1);
  parentPort.postMessage({ id: req.id, verdicts, msgs }, [verdicts.buffer]);
});
parentPort.postMessage({ ready: true });
`;
