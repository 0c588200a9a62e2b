/** A child process of `presign` (workload.ts): signs a range of pairs' orders and sends them back. */
import { warmUpCrypto } from "../../sequencer/crypto/keys.ts";
import { signPairs, type Workload } from "./workload.ts";

process.once("message", (m: { w: Omit<Workload, "price"> & { price: string }; from: number; to: number }) => {
  warmUpCrypto();
  const bodies = signPairs({ ...m.w, price: BigInt(m.w.price) }, m.from, m.to);
  process.send!(bodies, () => process.exit(0));
});
