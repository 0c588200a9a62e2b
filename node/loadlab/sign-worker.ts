/**
 * One signing process of the load lab's SignPool: takes engine txs with the signer's key and answers
 * their signatures (EdDSA-Poseidon over what the proof checks), in the order asked.
 */
import type { SignatureJson } from "../../sequencer/crypto/signature-json.ts";
import type { EngineTx } from "../../sequencer/engine/types.ts";
import { signTx } from "../client/signed-bodies.ts";

export interface SignJob {
  id: number;
  items: { prv: Uint8Array; tx: EngineTx }[];
}
export interface SignAnswer {
  id: number;
  signatures: SignatureJson[];
}

process.on("message", (job: SignJob) => {
  const signatures = job.items.map(({ prv, tx }) => signTx(prv, tx));
  process.send?.({ id: job.id, signatures } satisfies SignAnswer);
});
