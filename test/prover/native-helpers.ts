/** Shared helpers for the native prover tests: the binary, and a batch runner for `--selftest`. */
import { spawnSync } from "node:child_process";
import { loadProverConfig } from "../../prover/config.ts";
import { nativeProverWorks } from "../../prover/producers/index.ts";

export const NATIVE_BIN = loadProverConfig().NATIVE_PROVER_BIN;
/** Set to a reason when the binary is absent (no compiler at install): the native tests then skip. */
export const SKIP_NATIVE: string | false = nativeProverWorks(NATIVE_BIN)
  ? false
  : `native prover not built (${NATIVE_BIN}); run npm run build:native`;

/** Runs `zkprove --selftest` on the lines and returns one answer per line. */
export function selftest(lines: string[]): string[] {
  const r = spawnSync(NATIVE_BIN, ["--selftest"], {
    input: `${lines.join("\n")}\n`,
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`zkprove --selftest failed: ${r.stderr}`);
  const out = r.stdout.split("\n");
  out.pop();
  if (out.length !== lines.length)
    throw new Error(`selftest answered ${out.length} of ${lines.length} lines`);
  return out;
}
