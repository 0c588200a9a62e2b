import { spawn } from "node:child_process";
import { SetupError } from "./errors.ts";
import { AFFINE_SIZE, type Group } from "./fixed-base.ts";

/**
 * The same job as FixedBaseMultiplier (k·G for many scalars, affine LEM points in input order), done
 * by the native prover binary (`zkprove --fixed-base g1|g2`): one process per call, scalars on stdin,
 * points streamed back on stdout (so progress is real). The output is byte-identical: affine LEM is
 * canonical.
 */
export class NativeFixedBase {
  constructor(
    private readonly bin: string,
    private readonly threads = 0,
  ) {}

  mul(group: Group, scalars: Uint8Array, onProgress?: (done: number) => void): Promise<Uint8Array> {
    const n = scalars.length / 32;
    const size = AFFINE_SIZE[group];
    const out = new Uint8Array(n * size);
    const args = ["--fixed-base", group];
    if (this.threads > 0) args.push("--threads", String(this.threads));
    return new Promise((resolve, reject) => {
      const child = spawn(this.bin, args, { stdio: ["pipe", "pipe", "pipe"] });
      let got = 0;
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => {
        if (got + d.length > out.length) return;
        out.set(d, got);
        got += d.length;
        onProgress?.(Math.floor(got / size));
      });
      child.stderr.on("data", (d) => {
        stderr += d;
      });
      child.stdin.on("error", () => {}); // reported by "exit"
      child.on("error", (err) =>
        reject(new SetupError("SETUP_WORKER_FAILED", `cannot run ${this.bin}`, { cause: err })),
      );
      child.on("exit", (code) => {
        if (code === 0 && got === out.length) resolve(out);
        else
          reject(
            new SetupError(
              "SETUP_WORKER_FAILED",
              `native fixed-base multiplication failed: ${stderr.trim()}`,
              {
                details: { code, bytes: got, expected: out.length },
              },
            ),
          );
      });
      child.stdin.end(scalars);
    });
  }

  async terminate(): Promise<void> {}
}
