import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { type Artifact, librariesOf, linkBytecode, loadArtifact } from "../../../node/l1/artifacts.ts";
import { deployRollup } from "../../../node/l1/deploy.ts";
import { ArtifactMissingError, DeployError } from "../../../node/l1/errors.ts";

const LIB_A = "0x1111111111111111111111111111111111111111";
const LIB_B = "0x00000000000000000000000000000000000000bb";

// 0x60 | placeholder A (20 bytes) | 0x61 | placeholder B | 0x62 | placeholder A again
const placeholder = "__$0123456789abcdef0123456789abcdef01$__";
const artifact: Artifact = {
  contractName: "Uses",
  abi: [],
  bytecode: `0x60${placeholder}61${placeholder}62${placeholder}`,
  linkReferences: {
    "lib/A.sol": {
      A: [
        { start: 1, length: 20 },
        { start: 43, length: 20 },
      ],
    },
    "lib/B.sol": { B: [{ start: 22, length: 20 }] },
  },
};

describe("artifacts", () => {
  it("lists the libraries an artifact must be linked against", () => {
    assert.deepEqual(librariesOf(artifact).sort(), ["A", "B"]);
  });

  it("writes each library address at every one of its link references", () => {
    const linked = linkBytecode(artifact, { A: LIB_A, B: LIB_B });
    assert.equal(linked, `0x60${LIB_A.slice(2)}61${LIB_B.slice(2)}62${LIB_A.slice(2)}`);
    assert.ok(!linked.includes("__$"));
  });

  it("refuses to link when a library address is missing", () => {
    assert.throws(
      () => linkBytecode(artifact, { A: LIB_A }),
      (e: unknown) => e instanceof DeployError && e.code === "L1_LIBRARY_UNLINKED",
    );
  });

  it("says to run npm run build:contracts when an artifact is missing", () => {
    const dir = mkdtempSync(join(tmpdir(), "l1-artifacts-"));
    try {
      assert.throws(
        () => loadArtifact("Groth16Verifier_nope", { outDir: dir }),
        (e: unknown) =>
          e instanceof ArtifactMissingError &&
          e.code === "L1_ARTIFACT_MISSING" &&
          e.message.includes("npm run build:contracts"),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("deployRollup fails on a missing verifier build before it sends any transaction", async () => {
    await assert.rejects(
      deployRollup({
        rpcUrl: "http://127.0.0.1:1", // nothing listens: any RPC call would fail with a network error instead
        deployerKey: `0x${"11".repeat(32)}`,
        operator: LIB_A,
        genesis: {
          accountsDepth: 2n,
          vaultPubKeyX: 1n,
          vaultPubKeyY: 1n,
          vaultCollateral: 0n,
          insuranceFund: 0n,
          markPrices: [0n],
          keeperPubKeyX: 1n,
          keeperPubKeyY: 1n,
        },
        genesisRoot: 1n,
        verifierContract: "Groth16Verifier_nope",
        config: { dataWords: 1n },
      }),
      (e: unknown) => e instanceof ArtifactMissingError,
    );
  });
});
