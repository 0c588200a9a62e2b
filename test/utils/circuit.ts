/** Shared helpers for circuit tests: compile an instance once (cached on disk), compute witnesses. */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import * as snarkjs from "snarkjs";
import {
  buildMain,
  type CircuitInstance,
  type CompileResult,
  compileInstance,
  loadInstance,
  nativeWitnessFor,
  REPO_ROOT,
  r1csConstraints,
  sourcesHash,
} from "../../circuits/compile.ts";
import type { NativeWitnessBuild } from "../../circuits/native-witness.ts";
import { poseidon } from "../../sequencer/crypto/poseidon.ts";
import { P } from "../../sequencer/state/field.ts";

const compiled = new Map<string, Promise<CompileResult>>();

/** Compiles (or reuses) an instance; progress goes to stderr so long compiles are visible. */
export function compiledInstance(name: string): Promise<{ inst: CircuitInstance } & CompileResult> {
  const inst = loadInstance(name);
  let p = compiled.get(name);
  if (!p) {
    p = compileInstance(inst, { onProgress: (m) => process.stderr.write(`${m}\n`) });
    compiled.set(name, p);
  }
  return p.then((r) => ({ inst, ...r }));
}

/**
 * Compiles a small main of the project's templates (one template under test) into the build cache,
 * keyed by its source and every circuit source, and returns its witness generator and size.
 */
export async function compiledMain(
  name: string,
  source: string,
): Promise<{ wasmPath: string; r1csPath: string; constraints: number }> {
  const dir = path.join(
    REPO_ROOT,
    "circuits",
    "build",
    `${name}-${(await sourcesHash(source)).slice(0, 12)}`,
  );
  const r1csPath = path.join(dir, "main.r1cs");
  if (!existsSync(r1csPath)) await buildMain(source, dir, name, (m) => process.stderr.write(`${m}\n`));
  return {
    wasmPath: path.join(dir, "main_js", "main.wasm"),
    r1csPath,
    constraints: await r1csConstraints(r1csPath),
  };
}

/**
 * compiledMain plus the circuit's native witness generator (circom --c + prover/native/witness/,
 * compiled with g++ and cached); nativeWitness is undefined when it cannot be built here.
 */
export async function compiledMainNative(
  name: string,
  source: string,
): Promise<Awaited<ReturnType<typeof compiledMain>> & { nativeWitness?: NativeWitnessBuild }> {
  const c = await compiledMain(name, source);
  const nativeWitness = await nativeWitnessFor(
    source,
    path.dirname(c.r1csPath),
    name,
    path.join(REPO_ROOT, "circuits", "build"),
    (m) => process.stderr.write(`${m}\n`),
  );
  return { ...c, ...(nativeWitness ? { nativeWitness } : {}) };
}

/** Computes the witness; throws if any constraint of the circuit fails. Returns the wire values. */
export async function witness(input: Record<string, unknown>, wasmPath: string): Promise<bigint[]> {
  const wtns = { type: "mem" } as { type: "mem"; data?: Uint8Array };
  await snarkjs.wtns.calculate(input, wasmPath, wtns);
  return ((await snarkjs.wtns.exportJson(wtns)) as unknown[]).map((x) => BigInt(x as bigint));
}

/** A deep copy of a circuit input, so a tamper test never leaks into the next one. */
export function cloneInput(input: Record<string, unknown>): Record<string, any> {
  return JSON.parse(JSON.stringify(input));
}

const big = (x: unknown) => BigInt(x as string);

/**
 * Recomputes `publicHash` of a (possibly tampered) circuit input the way the circuit does, from its
 * own leaves, siblings, globals and L1 hashes. Tamper tests call it so the witness fails on the rule
 * under test, not merely on the public hash.
 */
export function resealInput(input: Record<string, any>, inst: CircuitInstance): void {
  // Nodes written by earlier updates of this batch; later updates read their siblings from here so
  // the chain of roots stays consistent after a tampered leaf.
  const written = new Map<string, bigint>();
  let root = big(input.oldAccountsRoot);
  for (let i = 0; i < inst.N; i++) {
    let cur = poseidon((input.newLeaf[i] as string[]).map(big));
    let idx = big(input.index[i]);
    written.set(`0:${idx}`, cur);
    for (let k = 0; k < inst.D; k++) {
      const known = written.get(`${k}:${idx ^ 1n}`);
      if (known !== undefined) input.siblings[i][k] = known.toString();
      const sib = big(input.siblings[i][k]);
      cur = (idx & 1n) === 1n ? poseidon([sib, cur]) : poseidon([cur, sib]);
      idx >>= 1n;
      written.set(`${k + 1}:${idx}`, cur);
    }
    root = cur;
  }
  const oldState = poseidon([big(input.oldAccountsRoot), poseidon((input.oldGlobal as string[]).map(big))]);
  const newState = poseidon([root, poseidon((input.newGlobal as string[]).map(big))]);
  const l1 = poseidon([big(input.depositHashOld), big(input.depositHashNew), big(input.withdrawalHash)]);
  input.publicHash = poseidon([
    oldState,
    newState,
    big(input.batchNumber),
    l1,
    big(input.dataHash),
  ]).toString();
}

/**
 * A matcher for the witness calculator's "Assert Failed" error at one constraint, found by a snippet
 * of its source line, so a tamper test proves the rule under test is the one that fails.
 */
export function failsAt(template: string, file: string, snippet: string): RegExp {
  const lines = readFileSync(path.join(REPO_ROOT, "circuits", "src", file), "utf8").split("\n");
  const line = lines.findIndex((l) => l.includes(snippet)) + 1;
  if (line === 0) throw new Error(`snippet not found in ${file}: ${snippet}`);
  return new RegExp(`Assert Failed\\.[\\s\\S]*Error in template ${template}_\\d+ line: ${line}\\b`);
}

/** Adds a signed delta to a decimal-string field element, mod p. */
export function addField(x: unknown, delta: bigint): string {
  return ((((big(x) + delta) % P) + P) % P).toString();
}
