/**
 * circomlibjs behind a bigint interface, for tests and the benchmark. circomlibjs keeps field elements in
 * its wasm Montgomery form, so every value crosses through F.e / F.toObject here.
 */
import { buildEddsa } from "circomlibjs";

export interface ReferenceEddsa {
  prv2pub(prv: Uint8Array): [bigint, bigint];
  signPoseidon(prv: Uint8Array, msg: bigint): { R8: [bigint, bigint]; S: bigint };
  verifyPoseidon(
    msg: bigint,
    sig: { R8: readonly [bigint, bigint]; S: bigint },
    pub: readonly [bigint, bigint],
  ): boolean;
}

export async function buildReferenceEddsa(): Promise<ReferenceEddsa> {
  const eddsa = await buildEddsa();
  const F = eddsa.babyJub.F;
  const obj = (p: unknown[]): [bigint, bigint] => [F.toObject(p[0]) as bigint, F.toObject(p[1]) as bigint];
  return {
    prv2pub: (prv) => obj(eddsa.prv2pub(prv)),
    signPoseidon: (prv, msg) => {
      const s = eddsa.signPoseidon(prv, F.e(msg));
      return { R8: obj(s.R8), S: BigInt(s.S) };
    },
    verifyPoseidon: (msg, sig, pub) =>
      eddsa.verifyPoseidon(F.e(msg), { R8: [F.e(sig.R8[0]), F.e(sig.R8[1])], S: sig.S }, [
        F.e(pub[0]),
        F.e(pub[1]),
      ]) as boolean,
  };
}
