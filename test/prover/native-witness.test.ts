/**
 * The native witness generator (circom --c + prover/native/witness/) against snarkjs' wasm
 * calculator, byte for byte: the tiny Batch2 instance on a real batch of the honest story, and a
 * circuit of every operator on edge values (signs, short-int bounds, p/2, p - 1, shift counts).
 * Failures are typed: a failed assert and a wrong input are the input's fault (WitnessRejectedError).
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { before, describe, it } from "node:test";
import * as snarkjs from "snarkjs";
import type { Batch2Instance } from "../../circuits/batch2-instance.ts";
import { CPP_DIR, REPO_ROOT } from "../../circuits/compile.ts";
import { buildNativeWitness, type NativeWitnessBuild } from "../../circuits/native-witness.ts";
import { splitGeneratedCpp } from "../../circuits/native-witness-split.ts";
import { WitnessRejectedError } from "../../prover/producers/producer.ts";
import {
  NativeWitnessCrashedError,
  NativeWitnessUnavailableError,
  nativeWitness,
  resolveWitness,
} from "../../prover/witness/index.ts";
import { run as runStory } from "../circuits/batch2-story.ts";
import { cloneInput, compiledInstance, compiledMainNative } from "../utils/circuit.ts";
import { OPS_PAIRS, OPS_SOURCE } from "./native-witness-ops.ts";

async function wasmWtns(input: Record<string, unknown>, wasmPath: string): Promise<Buffer> {
  const w = { type: "mem" } as { type: "mem"; data?: Uint8Array };
  await snarkjs.wtns.calculate(input, wasmPath, w);
  return Buffer.from(w.data as Uint8Array);
}

let tiny: { inst: Batch2Instance; wasmPath: string; nativeWitness?: NativeWitnessBuild };
let input: Record<string, unknown>;
let skip: string | false = false;

before(async () => {
  const c = await compiledInstance("tiny");
  if (c.inst.circuit !== "batch2") throw new Error("tiny is a Batch2 instance");
  tiny = {
    inst: c.inst,
    wasmPath: c.wasmPath,
    ...(c.nativeWitness ? { nativeWitness: c.nativeWitness } : {}),
  };
  if (!c.nativeWitness) skip = "no native witness generator (no C++ compiler?)";
  // Batch 3 of the honest story: a signed fill and a withdrawal, padded to the tiny slots.
  const w = runStory({ inst: c.inst, wasmPath: c.wasmPath, r1csPath: c.r1csPath, constraints: 0 }, 3)
    .witnesses[2];
  if (!w) throw new Error("story has no batch 3");
  input = w.input as Record<string, unknown>;
});

describe("native witness generator, Batch2 tiny", () => {
  it("writes the same .wtns bytes as snarkjs' wasm calculator on a real batch", async (t) => {
    if (skip) return t.skip(skip);
    const files = tiny.nativeWitness as NativeWitnessBuild;
    const [native, wasm] = [await nativeWitness(files, input, "tiny"), await wasmWtns(input, tiny.wasmPath)];
    assert.ok(wasm.length > 1000);
    assert.ok(Buffer.from(native).equals(wasm), "byte-equal .wtns");
  });

  it("rejects an input that fails a circuit assert with WITNESS_ASSERT_FAILED", async (t) => {
    if (skip) return t.skip(skip);
    const bad = cloneInput(input);
    bad.publicHash = "12345";
    await assert.rejects(wasmWtns(bad, tiny.wasmPath), /Assert Failed/);
    await assert.rejects(
      nativeWitness(tiny.nativeWitness as NativeWitnessBuild, bad, "tiny"),
      (err: unknown) =>
        err instanceof WitnessRejectedError &&
        err.code === "WITNESS_ASSERT_FAILED" &&
        /Failed assert in template\/function Batch2 line \d+/.test(err.message),
    );
  });

  it("names a missing input signal's count, and an unknown one by name, as WITNESS_BAD_INPUT", async (t) => {
    if (skip) return t.skip(skip);
    const files = tiny.nativeWitness as NativeWitnessBuild;
    const missing = cloneInput(input);
    delete missing.batchNumber;
    await assert.rejects(
      nativeWitness(files, missing, "tiny"),
      (err: unknown) =>
        err instanceof WitnessRejectedError &&
        err.code === "WITNESS_BAD_INPUT" &&
        /Not all inputs have been set\. Only \d+ out of \d+ values were given; missing: the signal with name hash 0x[0-9a-f]{16} \(1 values/.test(
          err.message,
        ),
    );
    await assert.rejects(
      nativeWitness(files, { ...cloneInput(input), nope: "1" }, "tiny"),
      (err: unknown) => {
        return err instanceof WitnessRejectedError && /Signal nope not found/.test(err.message);
      },
    );
    const short = cloneInput(input);
    short.oldGlobal = (short.oldGlobal as string[]).slice(1);
    await assert.rejects(nativeWitness(files, short, "tiny"), /Not enough values for input signal oldGlobal/);
  });

  it("says what to run when the binary is missing, and when it crashes", async (t) => {
    if (skip) return t.skip(skip);
    const files = tiny.nativeWitness as NativeWitnessBuild;
    await assert.rejects(
      nativeWitness({ ...files, bin: `${files.bin}.nope` }, input, "tiny"),
      (err: unknown) =>
        err instanceof NativeWitnessUnavailableError &&
        /npm run build:circuits -- --instance tiny/.test(err.message),
    );
    // A .dat of another circuit makes the binary read garbage sizes: a crash, not the input's fault.
    const ops = await compiledMainNative("native-witness-ops", OPS_SOURCE(OPS_PAIRS.length));
    if (!ops.nativeWitness) return t.skip("no native witness for the ops circuit");
    await assert.rejects(
      nativeWitness({ ...files, dat: ops.nativeWitness.dat }, input, "tiny"),
      (err: unknown) => err instanceof NativeWitnessCrashedError || err instanceof WitnessRejectedError,
    );
  });
});

describe("native witness generator, operators", () => {
  it("matches wasm byte for byte on every operator at the edge values", async (t) => {
    const c = await compiledMainNative("native-witness-ops", OPS_SOURCE(OPS_PAIRS.length));
    const files = c.nativeWitness;
    if (!files) return t.skip("no native witness generator (no C++ compiler?)");
    const vectors = [OPS_PAIRS, OPS_PAIRS.map(([a, b]) => [b, a] as [bigint, bigint])];
    for (const pairs of vectors) {
      const inp = { a: pairs.map((p) => p[0].toString()), b: pairs.map((p) => p[1].toString()) };
      const native: Buffer = Buffer.from(await nativeWitness(files, inp, "ops"));
      const wasm = await wasmWtns(inp, c.wasmPath);
      assert.equal(native.length, wasm.length);
      if (!native.equals(wasm)) {
        const a = (await snarkjs.wtns.exportJson({ type: "mem", data: native })) as bigint[];
        const b = (await snarkjs.wtns.exportJson({ type: "mem", data: wasm })) as bigint[];
        const i = a.findIndex((x, k) => x !== b[k]);
        assert.fail(`wire ${i} differs: native ${a[i]}, wasm ${b[i]}`);
      }
    }
  });

  it("reads hex, binary and negative inputs the way snarkjs does", async (t) => {
    const c = await compiledMainNative("native-witness-ops", OPS_SOURCE(OPS_PAIRS.length));
    if (!c.nativeWitness) return t.skip("no native witness generator (no C++ compiler?)");
    const n = OPS_PAIRS.length;
    const a = Array.from({ length: n }, (_, i) =>
      i % 3 === 0 ? `0x${(i * 977).toString(16)}` : `-${i * 31}`,
    );
    const b = Array.from({ length: n }, (_, i) => (i % 2 === 0 ? `0b${(i + 1).toString(2)}` : i * 7));
    const native = Buffer.from(await nativeWitness(c.nativeWitness, { a, b }, "ops"));
    assert.ok(native.equals(await wasmWtns({ a, b }, c.wasmPath)));
  });

  it("fails integer division by zero as the input's fault, like wasm's trap", async (t) => {
    const src = `pragma circom 2.1.0;
template IDiv() { signal input a; signal input b; signal output q; signal output r; signal output d;
  q <-- a \\ b; r <-- a % b; d <-- a / b; }
component main = IDiv();
`;
    const c = await compiledMainNative("native-witness-idiv", src);
    if (!c.nativeWitness) return t.skip("no native witness generator (no C++ compiler?)");
    const ok = { a: "-17", b: "5" };
    assert.ok(
      Buffer.from(await nativeWitness(c.nativeWitness, ok, "idiv")).equals(await wasmWtns(ok, c.wasmPath)),
    );
    const zero = { a: "17", b: "0" };
    await assert.rejects(wasmWtns(zero, c.wasmPath), /divide by zero/);
    await assert.rejects(
      nativeWitness(c.nativeWitness, zero, "idiv"),
      (err: unknown) => err instanceof WitnessRejectedError && err.code === "WITNESS_RUNTIME_ERROR",
    );
  });
});

describe("WITNESS config", () => {
  const art = (built: boolean) => ({
    instance: { name: "tiny", D: 2, N: 4, M: 2, ND: 1, NW: 1 },
    ...(built ? { nativeWitness: { bin: "/x/main_c", dat: "/x/main_c.dat" } } : {}),
  });
  it("defaults to native when built, else wasm with a fallback reason; WITNESS=native requires it", () => {
    assert.deepEqual(resolveWitness({}, art(true)), { engine: "native" });
    assert.deepEqual(resolveWitness({ WITNESS: "wasm" }, art(true)), { engine: "wasm" });
    const fb = resolveWitness({}, art(false));
    assert.equal(fb.engine, "wasm");
    assert.match(fb.fallback ?? "", /was not built/);
    assert.throws(
      () => resolveWitness({ WITNESS: "native" }, art(false)),
      (err: unknown) =>
        err instanceof NativeWitnessUnavailableError &&
        /npm run build:circuits -- --instance tiny/.test(err.message),
    );
  });
});

describe("native witness build", () => {
  it("splits the generated C++ into units that keep every definition once", async () => {
    const c = await compiledInstance("tiny");
    const src = readFileSync(path.join(c.dir, CPP_DIR, "main_c.cpp"), "utf8");
    const units = splitGeneratedCpp(src, 3);
    assert.ok(units && units.length === 3, "three units");
    const defs = (s: string) => s.split("\n").filter((l) => /^void \w+\(.*\)\s*\{+$/.test(l));
    assert.deepEqual(units.flatMap(defs).sort(), defs(src).sort());
    assert.equal(
      units.filter((u) => /^Circom_TemplateFunction _functionTable\[\d+\] = \{/m.test(u)).length,
      1,
    );
    assert.equal(splitGeneratedCpp("int x = 1;\n", 2), undefined, "another shape compiles whole");
  });

  it("returns undefined after a warning when the generated code does not compile", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "native-witness-bad-"));
    try {
      writeFileSync(path.join(dir, "main_c.cpp"), "this is not C++\n");
      writeFileSync(path.join(dir, "main_c.dat"), "");
      const warn = console.warn;
      const warned: string[] = [];
      console.warn = (m: string) => warned.push(m);
      try {
        const r = await buildNativeWitness(dir, {
          buildRoot: path.join(REPO_ROOT, "circuits", "build"),
          label: "bad",
        });
        assert.equal(r, undefined);
      } finally {
        console.warn = warn;
      }
      assert.ok(warned.length <= 1, "at most one warning per process");
      assert.ok(!existsSync(path.join(dir, "main_c")), "no binary left behind");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
