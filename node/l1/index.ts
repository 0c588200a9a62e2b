export {
  ANVIL_KEYS,
  freePort,
  type StartAnvilParameters,
  type StartAnvilReturnType,
  startAnvil,
} from "./anvil.ts";
export { type Artifact, librariesOf, linkBytecode, loadArtifact } from "./artifacts.ts";
export { createL1Clients, type L1Clients } from "./clients.ts";
export {
  type DeployRollupParameters,
  type DeployRollupReturnType,
  deployRollup,
  type RollupGenesisParams,
} from "./deploy.ts";
export * from "./errors.ts";
export { type ForgeBuildParameters, forgeBuild } from "./forge.ts";
export { decodeRollupRevert } from "./revert.ts";
export { mockUsdcAbi, rollupAbi } from "./rollup-abi.ts";
