/**
 * `npm run build:circuits -- [--instance NAME] [--ptau FILE] [--seed S] [--force]`
 * Compiles a circuit instance, makes its Groth16 key (INSECURE dev setup unless --ptau), exports the
 * verification key and the Solidity verifier, and writes circuits/build/<instance>.json.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { buildCircuit } from "../prover/setup/build-circuit.ts";

export { type BuildCircuitOptions, buildCircuit, DEFAULT_DEV_SEED } from "../prover/setup/build-circuit.ts";

async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name("build-circuits")
    .option(
      "--instance <name>",
      "instance from circuits/batch2.json (tiny, trace, default) or circuits/circuits.json (v1tiny, v1small, v1default)",
      "default",
    )
    .option("--ptau <file>", "prepared powers-of-tau file of a real ceremony (default: INSECURE dev setup)")
    .option("--seed <seed>", "seed of the INSECURE dev setup's toxic waste")
    .option("--force", "redo the setup even if cached", false)
    .parse(argv);
  const o = program.opts<{ instance: string; ptau?: string; seed?: string; force: boolean }>();
  const t = performance.now();
  const m = await buildCircuit(o.instance, {
    ...(o.ptau ? { ptau: o.ptau } : {}),
    ...(o.seed ? { seed: o.seed } : {}),
    force: o.force,
    onProgress: (msg) => process.stderr.write(`${msg}\n`),
  });
  const s = (ms: number) => `${(ms / 1000).toFixed(1)}s`;
  process.stdout.write(
    [
      `instance ${m.instance.name}: ${m.constraints} constraints, domain 2^${m.domainPower}, ${m.nPublic} public`,
      `  setup    ${m.setup.mode}${m.setup.seed ? ` (seed ${JSON.stringify(m.setup.seed)})` : ""}`,
      `  zkey     ${m.zkeyPath}`,
      `  vkey     ${m.vkeyPath}`,
      `  verifier ${m.verifierSolPath} (${m.verifierContractName})`,
      m.nativeWitness
        ? `  witness  native ${m.nativeWitness.bin} (${(m.nativeWitness.bytes / 1e6).toFixed(1)} MB${m.nativeWitness.compileMs ? `, g++ ${s(m.nativeWitness.compileMs)}` : ", cached"}), wasm ${m.wasmPath}`
        : `  witness  wasm only ${m.wasmPath} (no native witness generator: see the warning above)`,
      `  timings  compile ${s(m.timingsMs.compile)}, setup ${s(m.timingsMs.setup)}${m.cached.setup ? " (cached)" : ""}, total ${s(performance.now() - t)}`,
      "",
    ].join("\n"),
  );
  if (m.setup.mode === "dev-insecure")
    process.stderr.write("NOTE: INSECURE DEV SETUP — do not use this key outside a devnet.\n");
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // process.exit: snarkjs' exports leave its cached bn128 worker threads running.
  main(process.argv).then(
    () => process.exit(0),
    (err) => {
      process.stderr.write(
        `build-circuits failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      if (err && typeof err === "object" && "details" in err)
        process.stderr.write(`${JSON.stringify(err.details, null, 2)}\n`);
      process.exit(1);
    },
  );
}
