/**
 * BullMQ sandboxed processor: runs in its own child process, so a 10–30 s proof never blocks the
 * worker's event loop and its lock renewals keep going. Killing the worker mid-proof leaves the job's
 * lock to expire; the stalled-job check then hands it to another worker.
 */
import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { type SandboxedJob, UnrecoverableError } from "bullmq";
import * as snarkjs from "snarkjs";
import { loadProverConfig } from "../node/config.ts";
import { loadArtifacts } from "./artifacts.ts";
import type { ProveJobData, ProveJobResult } from "./job.ts";
import { toSolidityProof } from "./proof-format.ts";

interface Loaded {
  hash: string;
  zkey: { type: "mem"; data: Uint8Array };
  wasm: { type: "mem"; data: Uint8Array };
}

const loaded = new Map<string, Promise<Loaded>>();

/** The zkey is read once per process and kept in memory: re-reading 50+ MB per proof is waste. */
function artifactsFor(instance: string): Promise<Loaded> {
  let p = loaded.get(instance);
  if (!p) {
    p = (async () => {
      const a = loadArtifacts(instance, { buildRoot: loadProverConfig().BUILD_ROOT });
      const [zkey, wasm] = await Promise.all([readFile(a.zkeyPath), readFile(a.wasmPath)]);
      return { hash: a.manifest.hash, zkey: { type: "mem", data: zkey }, wasm: { type: "mem", data: wasm } };
    })();
    loaded.set(instance, p);
  }
  return p;
}

export default async function prove(
  job: SandboxedJob<ProveJobData, ProveJobResult>,
): Promise<ProveJobResult> {
  const d = job.data;
  const art = await artifactsFor(d.instance);
  if (art.hash !== d.circuitHash) {
    throw new UnrecoverableError(`circuit mismatch: job wants ${d.circuitHash}, this worker has ${art.hash}`);
  }
  const t0 = performance.now();
  const wtns = { type: "mem" } as { type: "mem"; data?: Uint8Array };
  try {
    await snarkjs.wtns.calculate(d.input, art.wasm, wtns);
  } catch (err) {
    // The same input fails the same way on every worker: retrying cannot help.
    throw new UnrecoverableError(`witness rejected for batch ${d.batchNumber}: ${(err as Error).message}`);
  }
  const t1 = performance.now();
  await job.updateProgress({ stage: "proving", witnessMs: Math.round(t1 - t0) });
  const { proof, publicSignals } = await snarkjs.groth16.prove(art.zkey, wtns);
  const t2 = performance.now();
  if (publicSignals[0] !== d.publicHash) {
    throw new UnrecoverableError(`public hash mismatch for batch ${d.batchNumber}`);
  }
  return {
    batchNumber: d.batchNumber,
    proof: toSolidityProof(proof),
    publicSignals,
    // The worker process, not this sandbox child: that is what an operator starts and stops.
    proverId: `${hostname()}:${process.ppid}`,
    witnessMs: Math.round(t1 - t0),
    provingMs: Math.round(t2 - t1),
  };
}
