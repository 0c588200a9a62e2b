/** Printed on every dev setup: anyone who knows the seed can forge proofs for this key. */
export function insecureBanner(seed: string): string {
  const line = "!".repeat(78);
  return [
    line,
    "!!  INSECURE DEV SETUP: the Groth16 toxic waste (tau, alpha, beta, gamma, delta) is derived",
    `!!  from the public seed ${JSON.stringify(seed)}. Anyone who knows it can forge proofs.`,
    "!!  Use only for local devnets and tests. For real use: --ptau FILE (a ceremony's file).",
    line,
  ].join("\n");
}
