import assert from "node:assert/strict";
import { test } from "node:test";
import { loadProverConfig } from "../../prover/config.ts";
import { NativeProverUnavailableError, resolveEngine } from "../../prover/producers/index.ts";
import { announceEngine } from "../../prover/worker.ts";
import { SKIP_NATIVE } from "./native-helpers.ts";

const missing = "/nonexistent/zkprove";

test("PROVER unset: native when the binary works, else snarkjs with a fallback reason", {
  skip: SKIP_NATIVE,
}, () => {
  assert.deepEqual(resolveEngine(loadProverConfig({ PROVER: undefined })), { engine: "native" });
  const c = resolveEngine(loadProverConfig({ NATIVE_PROVER_BIN: missing }));
  assert.equal(c.engine, "snarkjs");
  assert.match(c.fallback ?? "", /was not built .*proving with snarkjs/);
});

test("PROVER=snarkjs always picks snarkjs, with no warning", () => {
  assert.deepEqual(resolveEngine(loadProverConfig({ PROVER: "snarkjs" })), { engine: "snarkjs" });
});

test("PROVER=native with no working binary is an error that says how to build it", () => {
  assert.throws(
    () => resolveEngine(loadProverConfig({ PROVER: "native", NATIVE_PROVER_BIN: missing })),
    (e: unknown) =>
      e instanceof NativeProverUnavailableError &&
      e.code === "NATIVE_PROVER_UNAVAILABLE" &&
      /npm run build:native/.test(e.message),
  );
});

test("PROVER accepts only snarkjs or native", () => {
  assert.throws(() => loadProverConfig({ PROVER: "rapidsnark" }), /PROVER/);
});

test("a worker announces the fallback to snarkjs once per process, loudly", () => {
  const before = process.env.NATIVE_PROVER_BIN;
  process.env.NATIVE_PROVER_BIN = missing;
  try {
    const msgs: string[] = [];
    assert.equal(announceEngine((m) => msgs.push(m)).engine, "snarkjs");
    assert.equal(announceEngine((m) => msgs.push(m)).engine, "snarkjs");
    assert.equal(msgs.length, 1);
    assert.match(msgs[0]!, /PROVER FALLBACK: native prover \/nonexistent\/zkprove was not built/);
  } finally {
    if (before === undefined) delete process.env.NATIVE_PROVER_BIN;
    else process.env.NATIVE_PROVER_BIN = before;
  }
});
