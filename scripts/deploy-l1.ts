/**
 * `npm run deploy:l1`: deploys the Rollup (with the devnet's genesis), funds the backstop account, and
 * writes DEPLOY_OUT_DIR/deployment.json and sequencer.env, then exits. The compose file's one-shot
 * `deploy` service (deploy/compose/compose.yaml); a sequencer then starts with
 * `node --env-file=DEPLOY_OUT_DIR/sequencer.env --import tsx node/sequencer/main.ts`.
 * Run again against the same L1, it checks the recorded rollup is still there and deploys nothing.
 * Env: L1_RPC_URL (required), CIRCUIT_INSTANCE, BACKSTOP_SEED, KEEPER_SEED, LIQ_RESERVED_SLOTS,
 * DEPLOYER_KEY, OPERATOR_KEY, DEPLOY_OUT_DIR (node/devnet/deploy-l1-config.ts).
 */
import { deployL1 } from "../node/devnet/deploy-l1.ts";
import { loadDeployL1Config } from "../node/devnet/deploy-l1-config.ts";

const say = (msg: string) => console.log(`[deploy-l1] ${msg}`);
try {
  const cfg = loadDeployL1Config();
  const { deployment, reused } = await deployL1(cfg, say);
  say(
    `${reused ? "kept" : "deployed"} rollup ${deployment.rollupAddress} (genesis ${deployment.genesisRoot})`,
  );
  // Exit explicitly: 0 or 1 is what compose's service_completed_successfully reads, whatever a library left running.
  process.exit(0);
} catch (err) {
  const e = err as { code?: string; message?: string };
  console.error(`[deploy-l1] failed${e.code ? ` (${e.code})` : ""}: ${e.message ?? String(err)}`);
  process.exit(1);
}
