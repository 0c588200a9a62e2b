/**
 * snarkjs caches the bn128 curve on `globalThis.curve_bn128` with live worker threads, which keep a
 * process from exiting after a one-off export or proof (a fresh `npm run build:circuits`, a test that
 * builds its circuit in-process). Ending them after such a call is safe: the next snarkjs call builds
 * the curve again.
 */
export async function releaseSnarkjsCurves(): Promise<void> {
  const g = globalThis as { curve_bn128?: { terminate(): Promise<void> } };
  const curve = g.curve_bn128;
  g.curve_bn128 = undefined;
  await curve?.terminate();
}
