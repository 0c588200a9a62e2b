import { readFile } from "node:fs/promises";
import * as snarkjs from "snarkjs";
import { type Groth16Proof, type ProofProducer, WitnessRejectedError } from "./producer.ts";

/** snarkjs' groth16.prove with the zkey held in memory (read once). */
export async function startSnarkjsProducer(zkeyPath: string): Promise<ProofProducer> {
  const zkey = { type: "mem" as const, data: await readFile(zkeyPath) };
  return {
    engine: "snarkjs",
    async prove(wtns) {
      let out: { proof: unknown; publicSignals: string[] };
      try {
        out = await snarkjs.groth16.prove(zkey, { type: "mem", data: wtns });
      } catch (err) {
        if (/witness|Invalid/i.test((err as Error).message)) {
          throw new WitnessRejectedError(
            "WITNESS_REJECTED",
            `snarkjs rejected the witness: ${(err as Error).message}`,
            {
              cause: err,
            },
          );
        }
        throw err;
      }
      return { proof: out.proof as Groth16Proof, publicSignals: out.publicSignals, engine: "snarkjs" };
    },
    async close() {},
  };
}
