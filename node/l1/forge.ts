import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { ForgeBuildError } from "./errors.ts";
import { CONTRACTS_DIR, foundryBin, foundryWrapperBin } from "./paths.ts";
import { writePoseidonSol } from "./poseidon-sol.ts";

export type ForgeBuildParameters = {
  /** Called with each line forge prints. */
  onProgress?: (line: string) => void;
};

/**
 * Writes contracts/generated/ (the wide Poseidon the Rollup's genesis check links, see poseidon-sol.ts),
 * then runs `forge build` in contracts/ (compiles src/, test/ and script/ into contracts/out).
 */
export function forgeBuild(params: ForgeBuildParameters = {}): Promise<void> {
  writePoseidonSol();
  const native = foundryBin("forge");
  const child = spawn(existsSync(native) ? native : foundryWrapperBin("forge"), ["build"], {
    cwd: CONTRACTS_DIR,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let tail = "";
  let partial = "";
  const onData = (d: Buffer) => {
    const text = partial + d.toString();
    const lines = text.split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      tail = `${tail}${line}\n`.slice(-4000);
      params.onProgress?.(line);
    }
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", onData);
  return new Promise((resolve, reject) => {
    child.once("error", (err) =>
      reject(new ForgeBuildError("FORGE_NOT_RUNNABLE", "could not run forge", { cause: err })),
    );
    child.once("exit", (code) => {
      if (partial) params.onProgress?.(partial);
      if (code === 0) resolve();
      else
        reject(
          new ForgeBuildError("FORGE_BUILD_FAILED", `forge build exited with ${code}`, {
            details: { output: tail + partial },
          }),
        );
    });
  });
}
