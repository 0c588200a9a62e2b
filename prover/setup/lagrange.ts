import { SetupError } from "./errors.ts";
import { batchInverse, mul, pow, R } from "./field.ts";

/**
 * Lagrange basis of the size-`n` domain {ω^i}, evaluated at τ, for the indices `start, start+step, ...`
 * (`count` of them). L_i(τ) = (τ^n − 1)·ω^i / (n·(τ − ω^i)). O(count) multiplications and one inversion:
 * this is what lets the dev setup skip the FFT over group elements a powers-of-tau file needs.
 */
export function lagrangeAt(tau: bigint, omega: bigint, n: number, start = 0, step = 1, count = n): bigint[] {
  const zTau = (pow(tau, BigInt(n)) - 1n + R) % R;
  if (zTau === 0n)
    throw new SetupError("SETUP_BAD_R1CS", "tau lies in the evaluation domain; pick another seed");
  const wStep = pow(omega, BigInt(step));
  const wIdx = new Array<bigint>(count);
  const denom = new Array<bigint>(count);
  const nBig = BigInt(n);
  let w = pow(omega, BigInt(start));
  for (let k = 0; k < count; k++) {
    wIdx[k] = w;
    denom[k] = mul(nBig, (tau - w + R) % R);
    w = mul(w, wStep);
  }
  const denomInv = batchInverse(denom);
  const out = new Array<bigint>(count);
  for (let k = 0; k < count; k++) out[k] = mul(mul(zTau, wIdx[k] as bigint), denomInv[k] as bigint);
  return out;
}
