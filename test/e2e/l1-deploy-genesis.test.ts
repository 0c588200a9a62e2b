import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Batch2Instance, loadBatch2Instance } from "../../circuits/batch2-instance.ts";
import { buildGenesis2, rollupGenesis2Of } from "../../node/genesis.ts";
import { type StartAnvilReturnType, startAnvil } from "../../node/l1/anvil.ts";
import { createL1Clients } from "../../node/l1/clients.ts";
import { deployRollup } from "../../node/l1/deploy.ts";
import { DeployError } from "../../node/l1/errors.ts";
import { checkDeployedGenesis, GenesisMismatchError } from "../../node/l1/genesis-check.ts";
import { decodeRollupRevert } from "../../node/l1/revert.ts";
import { mockUsdcAbi, rollupAbi } from "../../node/l1/rollup-abi.ts";
import { devKey } from "../../sequencer/crypto/keys.ts";
import type { EngineGenesis } from "../../sequencer/engine/engine.ts";
import { DEPLOYER_KEY, ensureBuilt, OPERATOR, OPERATOR_KEY } from "./l1-setup.ts";

const INST: Batch2Instance = { ...loadBatch2Instance("tiny"), name: "l1-genesis", D: 5 };
const KEEPER = devKey("l1-genesis-keeper").pubKey;
const genesisOf = (backstopSeed: string, values: EngineGenesis = {}) =>
  buildGenesis2(INST, { backstopSeed, keeperPubKey: KEEPER, reservedForLiquidations: 0, values });

describe("deployRollup and the Rollup's genesis check (real Anvil, VerifierDouble verifier)", () => {
  let anvil: StartAnvilReturnType;
  before(async () => {
    await ensureBuilt();
    anvil = await startAnvil();
  });
  after(async () => {
    await anvil?.stop();
  });

  it("deploys a funded genesis: pays its cash to the Rollup first, and the contract computes the TS root", async () => {
    const values = { backstopCollateral: 3_000_000n, insuranceFund: 250_000n, markPrices: [61_000_000n, 0n] };
    const g = genesisOf("l1-genesis-backstop", values);
    const d = await deployRollup({
      rpcUrl: anvil.rpcUrl,
      deployerKey: DEPLOYER_KEY,
      operator: OPERATOR,
      genesis: rollupGenesis2Of(g, KEEPER),
      genesisRoot: g.root,
      verifierContract: "VerifierDouble",
    });
    const { publicClient } = createL1Clients({ rpcUrl: anvil.rpcUrl });
    const read = (functionName: "stateRoot" | "accountsDepth" | "markets" | "keeperPubKeyX") =>
      publicClient.readContract({ address: d.rollupAddress, abi: rollupAbi, functionName });
    assert.equal(await read("stateRoot"), g.root);
    assert.equal(await read("accountsDepth"), 5n);
    assert.equal(await read("markets"), 2n);
    assert.equal(await read("keeperPubKeyX"), KEEPER[0]);
    const held = await publicClient.readContract({
      address: d.tokenAddress,
      abi: mockUsdcAbi,
      functionName: "balanceOf",
      args: [d.rollupAddress],
    });
    assert.equal(held, 3_250_000n, "the genesis cash is on L1");
  });

  it("checkDeployedGenesis accepts the deployed genesis and names what differs otherwise", async () => {
    const g = genesisOf("l1-genesis-backstop");
    const d = await deployRollup({
      rpcUrl: anvil.rpcUrl,
      deployerKey: DEPLOYER_KEY,
      operator: OPERATOR,
      genesis: rollupGenesis2Of(g, KEEPER),
      genesisRoot: g.root,
      verifierContract: "VerifierDouble",
    });
    const ok = {
      rpcUrl: anvil.rpcUrl,
      rollupAddress: d.rollupAddress,
      genesisRoot: g.root,
      accountsDepth: INST.D,
      markets: INST.M,
      keeperPubKey: KEEPER,
    };
    await checkDeployedGenesis(ok);
    // Batch 1 moves stateRoot; the genesis root stays comparable (an immutable of the contract).
    const { publicClient, walletClient } = createL1Clients({
      rpcUrl: anvil.rpcUrl,
      privateKey: OPERATOR_KEY,
    });
    const hash = await walletClient!.writeContract({
      address: d.rollupAddress,
      abi: rollupAbi,
      functionName: "submitBatch",
      args: [1n, g.root, g.root + 1n, 0n, 0n, [], 0n, [], [1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]],
      chain: null,
    });
    assert.equal((await publicClient.waitForTransactionReceipt({ hash })).status, "success");
    await checkDeployedGenesis(ok);
    const other = genesisOf("another-backstop");
    const cases: [Partial<typeof ok>, string][] = [
      [{ genesisRoot: other.root }, "L1_GENESIS_ROOT_MISMATCH"],
      [{ accountsDepth: INST.D + 1 }, "L1_GENESIS_DEPTH_MISMATCH"],
      [{ markets: 1 }, "L1_GENESIS_MARKETS_MISMATCH"],
      [{ keeperPubKey: devKey("another-keeper").pubKey }, "L1_KEEPER_KEY_MISMATCH"],
    ];
    for (const [change, code] of cases) {
      await assert.rejects(
        checkDeployedGenesis({ ...ok, ...change }),
        (e: unknown) => e instanceof GenesisMismatchError && e.code === code,
        code,
      );
    }
  });

  it("fails with BadGenesis when the root handed in is not the state's", async () => {
    const g = genesisOf("l1-genesis-backstop");
    const params = rollupGenesis2Of(g, KEEPER);
    await assert.rejects(
      deployRollup({
        rpcUrl: anvil.rpcUrl,
        deployerKey: DEPLOYER_KEY,
        operator: OPERATOR,
        genesis: params,
        genesisRoot: g.root + 1n,
        verifierContract: "VerifierDouble",
      }),
      (e: unknown) => {
        assert.ok(e instanceof DeployError && e.code === "L1_DEPLOY_FAILED", String(e));
        const revert = decodeRollupRevert(e.cause);
        assert.equal(revert?.code, "ROLLUP_BAD_GENESIS");
        assert.deepEqual(revert?.args, [g.root, g.root + 1n]);
        return true;
      },
    );
  });
});
