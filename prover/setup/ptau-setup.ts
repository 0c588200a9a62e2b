import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import * as snarkjs from "snarkjs";
import { releaseSnarkjsCurves } from "./curves.ts";
import { SetupError } from "./errors.ts";

/**
 * The setup for real use: a phase-2 key from a ceremony's prepared powers-of-tau file, plus one local
 * contribution from fresh entropy that is never stored. Slow (snarkjs groth16 setup), but sound if the
 * ceremony or this contribution was honest.
 */
export async function ptauSetup(
  r1csPath: string,
  ptauPath: string,
  zkeyPath: string,
  log: (msg: string) => void = () => {},
): Promise<void> {
  const zkey0 = `${zkeyPath}.0`;
  const logger = { debug: () => {}, info: log, warn: log, error: log };
  try {
    log(`ptau setup: snarkjs groth16 setup with ${ptauPath}`);
    const res = await snarkjs.zKey.newZKey(r1csPath, ptauPath, zkey0, logger);
    if (res === -1)
      throw new SetupError("SETUP_PTAU_FAILED", "snarkjs newZKey failed (see log)", {
        details: { ptauPath },
      });
    log("ptau setup: contributing fresh local entropy");
    await snarkjs.zKey.contribute(
      zkey0,
      zkeyPath,
      "zk-perps local contribution",
      randomBytes(64).toString("hex"),
      logger,
    );
  } catch (err) {
    if (err instanceof SetupError) throw err;
    throw new SetupError("SETUP_PTAU_FAILED", "ptau setup failed", { cause: err, details: { ptauPath } });
  } finally {
    await releaseSnarkjsCurves();
    await rm(zkey0, { force: true });
  }
}
