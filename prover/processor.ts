/**
 * BullMQ sandboxed processor: runs in its own child process, so a 10–30 s proof never blocks the
 * worker's event loop and its lock renewals keep going. Killing the worker mid-proof leaves the job's
 * lock to expire; the stalled-job check then hands it to another worker.
 */
import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { type SandboxedJob, UnrecoverableError } from "bullmq";
import { loadArtifacts } from "./artifacts.ts";
import { loadProverConfig } from "./config.ts";
import type { ProveJobData, ProveJobResult } from "./job.ts";
import { type ProofProducer, resolveEngine, startProducer, WitnessRejectedError } from "./producers/index.ts";
import { toSolidityProof } from "./proof-format.ts";
import {
  NativeWitnessCrashedError,
  NativeWitnessUnavailableError,
  nativeWitnessEngine,
  resolveWitness,
  type WitnessEngine,
  wasmWitnessEngine,
} from "./witness/index.ts";

interface Loaded {
  hash: string;
  /** WITNESS: the circuit's native generator when built, else the wasm calculator. */
  witness: WitnessEngine;
  /** The proving engine with the zkey loaded once for this process, not once per proof. */
  producer: ProofProducer;
}

const loaded = new Map<string, Promise<Loaded>>();
let witnessFallbackWarned = false;

function artifactsFor(instance: string): Promise<Loaded> {
  let p = loaded.get(instance);
  if (!p) {
    p = (async () => {
      const cfg = loadProverConfig();
      const a = loadArtifacts(instance, { buildRoot: cfg.BUILD_ROOT });
      // The worker already warned about a fallback at start; here the same choice is made quietly.
      const { engine } = resolveEngine(cfg);
      const w = resolveWitness(cfg, a);
      if (w.fallback && !witnessFallbackWarned) {
        witnessFallbackWarned = true;
        const bar = "!".repeat(78);
        console.warn(
          `${bar}\n!! WITNESS FALLBACK: ${w.fallback}.\n!! Set WITNESS=wasm to silence this, or rerun \`npm run build:circuits -- --instance ${instance}\` with g++ installed.\n${bar}`,
        );
      }
      const [witness, producer] = await Promise.all([
        w.engine === "native" && a.nativeWitness
          ? nativeWitnessEngine(a.nativeWitness, instance)
          : readFile(a.wasmPath).then(wasmWitnessEngine),
        startProducer(engine, a.zkeyPath, cfg),
      ]);
      return { hash: a.manifest.hash, witness, producer };
    })();
    p.catch(() => loaded.delete(instance)); // a failed start is retried by the next job
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
  let wtns: Uint8Array;
  try {
    wtns = await art.witness.calculate(d.input);
  } catch (err) {
    // A native generator that crashed (not the input's fault) is transient: BullMQ retries.
    if (err instanceof NativeWitnessCrashedError || err instanceof NativeWitnessUnavailableError) throw err;
    // The same input fails the same way on every worker: retrying cannot help.
    throw new UnrecoverableError(`witness rejected for batch ${d.batchNumber}: ${(err as Error).message}`);
  }
  const t1 = performance.now();
  await job.updateProgress({ stage: "proving", witnessMs: Math.round(t1 - t0) });
  let out: Awaited<ReturnType<ProofProducer["prove"]>>;
  try {
    out = await art.producer.prove(wtns);
  } catch (err) {
    if (err instanceof WitnessRejectedError) {
      throw new UnrecoverableError(`witness rejected for batch ${d.batchNumber}: ${err.message}`);
    }
    throw err; // a crashed native prover is transient: BullMQ retries, and the next call restarts it
  }
  const t2 = performance.now();
  if (out.publicSignals[0] !== d.publicHash) {
    throw new UnrecoverableError(`public hash mismatch for batch ${d.batchNumber}`);
  }
  return {
    batchNumber: d.batchNumber,
    proof: toSolidityProof(out.proof),
    publicSignals: out.publicSignals,
    // The worker process, not this sandbox child: that is what an operator starts and stops.
    proverId: `${hostname()}:${process.ppid}`,
    witnessMs: Math.round(t1 - t0),
    provingMs: Math.round(t2 - t1),
    engine: out.engine,
    witnessEngine: art.witness.engine,
    ...(out.peakRssKb !== undefined ? { peakRssKb: out.peakRssKb } : {}),
  };
}
