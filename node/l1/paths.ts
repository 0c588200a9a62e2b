import { fileURLToPath } from "node:url";

/** contracts/ of this repo, whatever the cwd. */
export const CONTRACTS_DIR = fileURLToPath(new URL("../../contracts/", import.meta.url));
/** forge's output folder. */
export const CONTRACTS_OUT_DIR = fileURLToPath(new URL("../../contracts/out/", import.meta.url));
const NODE_MODULES = fileURLToPath(new URL("../../node_modules/", import.meta.url));

/**
 * The native binary of a @foundry-rs tool. Spawning it directly (not the node wrapper in .bin) means a
 * signal reaches the process that holds the port, so `stop()` really stops it.
 */
export function foundryBin(tool: "anvil" | "forge"): string {
  const platform = process.platform === "win32" ? "win32" : process.platform;
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  return `${NODE_MODULES}@foundry-rs/${tool}-${platform}-${arch}/bin/${tool}`;
}

export function foundryWrapperBin(tool: "anvil" | "forge"): string {
  return `${NODE_MODULES}.bin/${tool}`;
}
