/**
 * `npm run prove -- ZKEY WTNS PROOF PUBLIC [--stats]`: one Groth16 proof from the command line, in
 * rapidsnark's argument order, written the way `snarkjs groth16 prove` writes proof.json and
 * public.json. The engine comes from PROVER (native when built, else snarkjs with a warning).
 */
import { spawnSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { loadProverConfig } from "../prover/config.ts";
import { resolveEngine, startSnarkjsProducer } from "../prover/producers/index.ts";
import { releaseSnarkjsCurves } from "../prover/setup/curves.ts";

const args = process.argv.slice(2);
const stats = args.includes("--stats");
const files = args.filter((a) => a !== "--stats");
if (files.length !== 4) {
  console.error("usage: npm run prove -- ZKEY WTNS PROOF PUBLIC [--stats]");
  process.exit(2);
}
const [zkey, wtns, proofOut, publicOut] = files as [string, string, string, string];
const cfg = loadProverConfig();
const choice = resolveEngine(cfg);
if (choice.fallback) console.warn(`WARNING: ${choice.fallback}`);

if (choice.engine === "native") {
  const extra = cfg.NATIVE_PROVER_THREADS > 0 ? ["--threads", String(cfg.NATIVE_PROVER_THREADS)] : [];
  const r = spawnSync(
    cfg.NATIVE_PROVER_BIN,
    [zkey, wtns, proofOut, publicOut, ...extra, ...(stats ? ["--stats"] : [])],
    {
      stdio: "inherit",
    },
  );
  process.exitCode = r.status ?? 1;
} else {
  const t0 = performance.now();
  const producer = await startSnarkjsProducer(zkey);
  const out = await producer.prove(await readFile(wtns));
  await writeFile(proofOut, JSON.stringify(out.proof, null, 1));
  await writeFile(publicOut, JSON.stringify(out.publicSignals, null, 1));
  if (stats)
    console.error(JSON.stringify({ engine: "snarkjs", totalMs: Math.round(performance.now() - t0) }));
  await releaseSnarkjsCurves();
}
