/**
 * The native witness generator of a circuit (circuits/native-witness.ts builds it): one process per
 * witness, the input JSON on its stdin, the .wtns bytes on its stdout, so nothing touches the disk.
 * Its exit tells the failures apart: a failed circuit assert and a wrong input are the input's fault
 * (WitnessRejectedError, the same every time); anything else is a crash of the binary.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { BaseError } from "../../core/errors.ts";
import { WitnessRejectedError } from "../producers/producer.ts";

export interface NativeWitnessFiles {
  bin: string;
  dat: string;
}

/** The native witness binary (or its .dat) is missing: the circuit build did not make it. */
export class NativeWitnessUnavailableError extends BaseError {
  override name = "NativeWitnessUnavailableError";
}

/** The native witness binary died without saying the input is wrong: transient, or a broken build. */
export class NativeWitnessCrashedError extends BaseError {
  override name = "NativeWitnessCrashedError";
}

/** JSON of a circuit input: bigints as decimal strings, the way snarkjs reads them. */
export function inputJson(input: Record<string, unknown>): string {
  return JSON.stringify(input, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

const rebuildHint = (instance: string) => `run \`npm run build:circuits -- --instance ${instance}\``;

/**
 * Computes the witness of `input` with the native generator and returns the .wtns bytes (the same
 * bytes snarkjs' wasm calculator writes). Throws WitnessRejectedError (code WITNESS_ASSERT_FAILED,
 * WITNESS_BAD_INPUT or WITNESS_RUNTIME_ERROR) when the input is at fault, NativeWitnessUnavailableError when the binary is
 * missing, NativeWitnessCrashedError for anything else.
 */
export function nativeWitness(
  files: NativeWitnessFiles,
  input: Record<string, unknown>,
  instance: string,
): Promise<Uint8Array> {
  for (const [what, p] of [
    ["binary", files.bin],
    ["data file", files.dat],
  ] as const) {
    if (!existsSync(p)) {
      return Promise.reject(
        new NativeWitnessUnavailableError(
          "NATIVE_WITNESS_MISSING",
          `native witness ${what} ${p} is missing: ${rebuildHint(instance)}, or set WITNESS=wasm`,
          { details: { instance, ...files } },
        ),
      );
    }
  }
  return new Promise((resolve, reject) => {
    const child = spawn(files.bin, ["--dat", files.dat], { stdio: ["pipe", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (d: string) => {
      stderr = (stderr + d).slice(-8000);
    });
    child.stdin.on("error", () => {}); // a child that died early: reported by "close"
    child.on("error", (cause) =>
      reject(
        new NativeWitnessUnavailableError(
          "NATIVE_WITNESS_START_FAILED",
          `could not start the native witness generator ${files.bin} (${cause.message}): ${rebuildHint(instance)}`,
          { details: { instance, ...files }, cause },
        ),
      ),
    );
    child.on("close", (code, signal) => {
      const tail = stderr.trim();
      if (code === 0) {
        const wtns = Buffer.concat(out);
        if (wtns.length >= 12 && wtns.toString("ascii", 0, 4) === "wtns")
          return resolve(new Uint8Array(wtns));
        return reject(
          new NativeWitnessCrashedError(
            "NATIVE_WITNESS_PROTOCOL",
            "the native witness generator wrote no .wtns",
            {
              details: { instance, bytes: wtns.length },
            },
          ),
        );
      }
      const assertLine = /Failed assert in template\/function [^\n]*/.exec(tail);
      if (assertLine) {
        return reject(
          new WitnessRejectedError("WITNESS_ASSERT_FAILED", `Assert Failed: ${assertLine[0]}`, {
            details: { instance, stderr: tail.slice(-2000) },
          }),
        );
      }
      if (code === 2) {
        const msg = /input error: ([^\n]*)/.exec(tail)?.[1] ?? tail;
        return reject(new WitnessRejectedError("WITNESS_BAD_INPUT", msg, { details: { instance } }));
      }
      if (code === 4) {
        const msg = /witness error: ([^\n]*)/.exec(tail)?.[1] ?? tail;
        return reject(new WitnessRejectedError("WITNESS_RUNTIME_ERROR", msg, { details: { instance } }));
      }
      reject(
        new NativeWitnessCrashedError(
          "NATIVE_WITNESS_CRASHED",
          `native witness generator ${files.bin} exited (${signal ?? `code ${code}`})${tail ? `: ${tail.slice(-500)}` : ""}; if it persists, ${rebuildHint(instance)} or set WITNESS=wasm`,
          { details: { instance, code, signal, stderr: tail.slice(-2000) } },
        ),
      );
    });
    child.stdin.end(inputJson(input));
  });
}
