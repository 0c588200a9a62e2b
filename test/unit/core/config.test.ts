import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ConfigError } from "../../../core/config.ts";
import { loadKeeperConfig } from "../../../node/keeper/config.ts";
import { loadSequencerConfig } from "../../../node/sequencer/config.ts";
import { loadProverConfig } from "../../../prover/config.ts";

const seqEnv = {
  L1_RPC_URL: "http://127.0.0.1:8545",
  ROLLUP_ADDRESS: `0x${"11".repeat(20)}`,
  OPERATOR_KEY: `0x${"22".repeat(32)}`,
};

describe("role configs", () => {
  it("the sequencer and the provers read the prove queue from the same variables", () => {
    const over = { PROVE_QUEUE: "q-shared", REDIS_URL: "redis://127.0.0.1:6390", ...seqEnv };
    const seq = loadSequencerConfig(over);
    const prover = loadProverConfig(over);
    assert.equal(seq.PROVE_QUEUE, prover.PROVE_QUEUE);
    assert.equal(seq.REDIS_URL, prover.REDIS_URL);
    assert.ok(Object.isFrozen(seq) && Object.isFrozen(prover));
  });

  it("throws BAD_CONFIG naming each bad variable of its role", () => {
    assert.throws(
      () => loadKeeperConfig({ API_URL: "not a url", KEEPER_VOL_BPS: "-1" }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.equal(e.code, "BAD_CONFIG");
        assert.match(e.message, /invalid keeper configuration/);
        assert.match(e.message, /API_URL/);
        assert.match(e.message, /KEEPER_VOL_BPS/);
        return true;
      },
    );
    assert.throws(() => loadSequencerConfig({ ...seqEnv, OPERATOR_KEY: "0x12" }), /OPERATOR_KEY/);
  });
});
