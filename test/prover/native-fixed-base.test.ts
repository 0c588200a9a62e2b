import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { buildBn128 } from "ffjavascript";
import { devSetup } from "../../prover/setup/dev-setup.ts";
import { R } from "../../prover/setup/field.ts";
import { FixedBaseMultiplier, packScalars } from "../../prover/setup/fixed-base.ts";
import { NativeFixedBase } from "../../prover/setup/fixed-base-native.ts";
import { compileCircom } from "./fixtures/compile-fixture.ts";
import { NATIVE_BIN, SKIP_NATIVE } from "./native-helpers.ts";

let curve: { terminate(): Promise<void> } | undefined;
let wasm: FixedBaseMultiplier | undefined;
let tmp: string;
before(async () => {
  if (SKIP_NATIVE) return;
  curve = await buildBn128();
  wasm = await FixedBaseMultiplier.create(curve as never, 2);
  tmp = await mkdtemp(join(tmpdir(), "native-fixed-base-"));
});
after(async () => {
  await wasm?.terminate();
  await curve?.terminate();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

const scalars = [0n, 1n, 2n, 255n, 256n, 257n, (1n << 248n) + 1n, (1n << 253n) - 1n, R - 1n, R - 2n];
let x = 0x9e3779b97f4a7c15n;
for (let i = 0; i < 200; i++) {
  x = (x * 6364136223846793005n + 1442695040888963407n) % R;
  scalars.push((x * x * x) % R);
}

for (const group of ["g1", "g2"] as const) {
  test(`native ${group} fixed-base multiplication gives the wasm workers' bytes`, {
    skip: SKIP_NATIVE,
  }, async () => {
    const packed = packScalars(scalars);
    const seen: number[] = [];
    const got = await new NativeFixedBase(NATIVE_BIN).mul(group, packed, (d) => seen.push(d));
    assert.deepEqual(got, await wasm!.mul(group, packed));
    assert.equal(seen.at(-1), scalars.length);
  });
}

test("native fixed-base refuses a scalar that is not below r", { skip: SKIP_NATIVE }, async () => {
  await assert.rejects(
    new NativeFixedBase(NATIVE_BIN).mul("g1", packScalars([1n, R])),
    /scalar 1 is not below the group order/,
  );
});

test("the dev setup with the native multiplications writes a byte-identical zkey", {
  skip: SKIP_NATIVE,
}, async () => {
  // A small self-contained circuit (no includes): a chain of multiplications with two outputs.
  const fx = await compileCircom(
    "fixed_base_chain",
    `pragma circom 2.1.0;
template C(N) {
    signal input a;
    signal input b;
    signal output out;
    signal output sq;
    signal x[N];
    x[0] <== a * b;
    for (var i = 1; i < N; i++) x[i] <== x[i - 1] * b + i;
    out <== x[N - 1];
    sq <== out * out;
}
component main { public [a] } = C(300);
`,
  );
  const [zw, zn] = [join(tmp, "wasm.zkey"), join(tmp, "native.zkey")];
  const quiet = { seed: "native-fixed-base", onProgress: () => {}, warn: () => {} };
  await devSetup(fx.r1csPath, zw, quiet);
  await devSetup(fx.r1csPath, zn, { ...quiet, nativeBin: NATIVE_BIN });
  assert.deepEqual(await readFile(zn), await readFile(zw));
});
