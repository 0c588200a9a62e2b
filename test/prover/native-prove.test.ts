import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import * as snarkjs from "snarkjs";
import {
  NativeProducer,
  NativeProverCrashedError,
  WitnessRejectedError,
} from "../../prover/producers/index.ts";
import { buildCircuit } from "../../prover/setup/build-circuit.ts";
import { releaseSnarkjsCurves } from "../../prover/setup/curves.ts";
import { sampleBatchInput } from "../utils/batch-input.ts";
import { NATIVE_BIN, SKIP_NATIVE } from "./native-helpers.ts";

const R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

interface Case {
  zkeyPath: string;
  vkey: unknown;
  wtns: Uint8Array;
  publicHash: string;
  nPublic: number;
}
const cases = new Map<string, Case>();
let tmp: string;

before(async () => {
  if (SKIP_NATIVE) return;
  tmp = await mkdtemp(join(tmpdir(), "native-prove-"));
  for (const inst of ["v1tiny", "v1small"]) {
    const m = await buildCircuit(inst, { onProgress: () => {} });
    const { input, publicHash } = await sampleBatchInput(inst);
    const w = { type: "mem" } as { type: "mem"; data?: Uint8Array };
    await snarkjs.wtns.calculate(input, m.wasmPath, w);
    cases.set(inst, {
      zkeyPath: m.zkeyPath,
      vkey: JSON.parse(await readFile(m.vkeyPath, "utf8")),
      wtns: w.data!,
      publicHash: publicHash.toString(),
      nPublic: m.nPublic,
    });
  }
});

after(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
  await releaseSnarkjsCurves();
});

const get = (inst: string) => cases.get(inst)!;

/** The witness with value `i` replaced by `v` (the wtns header is 64 bytes: magic, sections, n8, q, n). */
function withValue(wtns: Uint8Array, i: number, v: bigint): Uint8Array {
  const out = new Uint8Array(wtns);
  const off = 12 + 12 + 40 + 12 + i * 32;
  for (let k = 0; k < 32; k++) out[off + k] = Number((v >> BigInt(8 * k)) & 0xffn);
  return out;
}

function cli(args: string[]) {
  return spawnSync(NATIVE_BIN, args, { encoding: "utf8" });
}

for (const inst of ["v1tiny", "v1small"]) {
  test(`every native proof of the ${inst} instance verifies in snarkjs, with the zkey loaded once`, {
    skip: SKIP_NATIVE,
  }, async () => {
    const c = get(inst);
    const producer = await NativeProducer.start(c.zkeyPath, { bin: NATIVE_BIN, threads: 0 });
    try {
      const seen = new Set<string>();
      for (let round = 0; round < 3; round++) {
        const out = await producer.prove(c.wtns);
        assert.equal(out.engine, "native");
        assert.equal(out.publicSignals[0], c.publicHash);
        assert.equal(out.publicSignals.length, c.nPublic);
        assert.deepEqual(Object.keys(out.proof), ["pi_a", "pi_b", "pi_c", "protocol", "curve"]);
        assert.equal(
          await snarkjs.groth16.verify(c.vkey, out.publicSignals, out.proof),
          true,
          `round ${round}`,
        );
        seen.add(out.proof.pi_a[0]!);
        assert.ok((out.peakRssKb ?? 0) > 0);
      }
      assert.equal(seen.size, 3, "fresh r, s for every proof");
    } finally {
      await producer.close();
    }
  });
}

test("the CLI writes proof.json and public.json in the form snarkjs groth16 prove writes them", {
  skip: SKIP_NATIVE,
}, async () => {
  const c = get("v1tiny");
  const wtnsPath = join(tmp, "tiny.wtns");
  await writeFile(wtnsPath, c.wtns);
  const [proofPath, publicPath] = [join(tmp, "proof.json"), join(tmp, "public.json")];
  const r = cli([c.zkeyPath, wtnsPath, proofPath, publicPath]);
  assert.equal(r.status, 0, r.stderr);
  const ours = await readFile(proofPath, "utf8");
  const theirs = await snarkjs.groth16.prove(c.zkeyPath, wtnsPath);
  const digits = (s: string) => s.replace(/"\d{10,}"/g, '"N"');
  assert.equal(digits(ours), digits(JSON.stringify(theirs.proof, null, 1)));
  assert.equal(await readFile(publicPath, "utf8"), JSON.stringify(theirs.publicSignals, null, 1));
  assert.equal(await snarkjs.groth16.verify(c.vkey, theirs.publicSignals, JSON.parse(ours)), true);
});

test("a wrong witness gives a proof that fails verification", { skip: SKIP_NATIVE }, async () => {
  const c = get("v1small");
  const producer = await NativeProducer.start(c.zkeyPath, { bin: NATIVE_BIN, threads: 0 });
  try {
    for (const i of [c.nPublic + 1, c.nPublic + 40]) {
      const bad = withValue(c.wtns, i, 12345n);
      const out = await producer.prove(bad);
      assert.equal(await snarkjs.groth16.verify(c.vkey, out.publicSignals, out.proof), false, `wire ${i}`);
    }
  } finally {
    await producer.close();
  }
});

test("the serve mode rejects a corrupt witness with WitnessRejectedError and keeps serving", {
  skip: SKIP_NATIVE,
}, async () => {
  const c = get("v1tiny");
  const producer = await NativeProducer.start(c.zkeyPath, { bin: NATIVE_BIN, threads: 0 });
  try {
    await assert.rejects(producer.prove(c.wtns.subarray(0, 100)), (e: unknown) => {
      assert.ok(e instanceof WitnessRejectedError);
      assert.match(e.message, /truncated/);
      return true;
    });
    await assert.rejects(
      producer.prove(get("v1small").wtns),
      /witness has \d+ values but the zkey's circuit has \d+/,
    );
    await assert.rejects(
      producer.prove(withValue(c.wtns, 3, R)),
      /witness value 3 is not below the field prime/,
    );
    const out = await producer.prove(c.wtns);
    assert.equal(await snarkjs.groth16.verify(c.vkey, out.publicSignals, out.proof), true);
  } finally {
    await producer.close();
  }
});

test("a truncated or corrupt zkey or wtns: non-zero exit naming the file and the fault, and no proof", {
  skip: SKIP_NATIVE,
}, async () => {
  const c = get("v1tiny");
  const zkey = await readFile(c.zkeyPath);
  const files: Record<string, Uint8Array> = {
    "good.wtns": c.wtns,
    "good.zkey": zkey,
    "half.zkey": zkey.subarray(0, zkey.length >> 1),
    "short.zkey": zkey.subarray(0, 8),
    "magic.zkey": Buffer.concat([Buffer.from("zkex"), zkey.subarray(4)]),
    "half.wtns": c.wtns.subarray(0, c.wtns.length - 64),
    "magic.wtns": Buffer.concat([Buffer.from("wtnx"), c.wtns.subarray(4)]),
    "other.wtns": get("v1small").wtns,
    "empty.wtns": new Uint8Array(0),
  };
  for (const [name, data] of Object.entries(files)) await writeFile(join(tmp, name), data);
  const expect: Array<[string, string, RegExp]> = [
    ["half.zkey", "good.wtns", /half\.zkey: truncated: section \d+ declares \d+ bytes but only \d+ remain/],
    ["short.zkey", "good.wtns", /short\.zkey: truncated/],
    ["magic.zkey", "good.wtns", /magic\.zkey: not a zkey file/],
    ["good.zkey", "half.wtns", /half\.wtns: truncated/],
    ["good.zkey", "magic.wtns", /magic\.wtns: not a wtns file/],
    ["good.zkey", "other.wtns", /other\.wtns: witness has \d+ values but the zkey's circuit has \d+/],
    ["good.zkey", "empty.wtns", /empty\.wtns: file is empty/],
    ["good.zkey", "missing.wtns", /missing\.wtns: cannot open/],
  ];
  for (const [z, w, re] of expect) {
    const proof = join(tmp, `${z}-${w}.proof.json`);
    const r = cli([join(tmp, z), join(tmp, w), proof, join(tmp, `${z}-${w}.public.json`)]);
    assert.notEqual(r.status, 0, `${z} + ${w} must fail`);
    assert.match(r.stderr, re);
    assert.equal(existsSync(proof), false, `no proof for ${z} + ${w}`);
  }
});

test("a native prover that dies mid-proof fails that proof as NativeProverCrashedError; the next one restarts it", {
  skip: SKIP_NATIVE,
}, async () => {
  const c = get("v1small");
  const producer = await NativeProducer.start(c.zkeyPath, { bin: NATIVE_BIN, threads: 0 });
  try {
    const first = producer.pid!;
    const pending = producer.prove(c.wtns);
    await new Promise((r) => setTimeout(r, 20));
    process.kill(first, "SIGKILL");
    await assert.rejects(
      pending,
      (e: unknown) => e instanceof NativeProverCrashedError && /SIGKILL/.test(e.message),
    );
    const out = await producer.prove(c.wtns);
    assert.notEqual(producer.pid, first);
    assert.equal(await snarkjs.groth16.verify(c.vkey, out.publicSignals, out.proof), true);
  } finally {
    await producer.close();
  }
});
