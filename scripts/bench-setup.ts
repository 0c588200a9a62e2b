/**
 * `npx tsx scripts/bench-setup.ts [--powers 12,14,16,17] [--baseline]`
 * Dev-setup time vs domain size, next to snarkjs proving time on the same key (the baseline measured in
 * the same run). Circuits are chains of Poseidon(2) sized to fill each domain. --baseline also times
 * snarkjs' own route (powers of tau + prepare phase2 + groth16 setup) at 2^12.
 */
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { Command } from "commander";
import { buildBn128 } from "ffjavascript";
import * as snarkjs from "snarkjs";
import { devSetup } from "../prover/setup/dev-setup.ts";
import { compileCircom, poseidonChainSource } from "../test/prover/fixtures/compile-fixture.ts";

// ~517 constraints per Poseidon(2): chain lengths that land in each domain (2^k > constraints + public).
const CHAIN_FOR_POWER: Record<number, number> = { 10: 1, 12: 7, 13: 15, 14: 30, 15: 60, 16: 120, 17: 155 };

interface Row {
  power: number;
  constraints: number;
  compileS: number;
  setupS: number;
  scalarsS: number;
  pointsS: number;
  proveS: number;
  verified: boolean;
}

const log = (m: string) => process.stderr.write(`${m}\n`);

async function benchPower(power: number): Promise<Row> {
  const k = CHAIN_FOR_POWER[power];
  if (!k) throw new Error(`no chain length for 2^${power}`);
  let t = performance.now();
  log(`2^${power}: compiling a chain of ${k} Poseidon(2) (cached after the first run)...`);
  const fx = await compileCircom(`chain_${k}`, poseidonChainSource(k));
  const compileS = (performance.now() - t) / 1000;
  const zkey = join(fx.dir, "bench.zkey");
  t = performance.now();
  const res = await devSetup(fx.r1csPath, zkey, { seed: "bench", warn: () => {} });
  const setupS = (performance.now() - t) / 1000;
  if (res.power !== power) throw new Error(`chain ${k} gave 2^${res.power}, not 2^${power}`);
  log(`2^${power}: proving with snarkjs...`);
  t = performance.now();
  const { proof, publicSignals } = await snarkjs.groth16.fullProve({ a: 1, b: 2 }, fx.wasmPath, zkey);
  const proveS = (performance.now() - t) / 1000;
  const vk = await snarkjs.zKey.exportVerificationKey(zkey);
  const verified = await snarkjs.groth16.verify(vk, publicSignals, proof);
  await rm(zkey);
  return {
    power,
    constraints: res.nConstraints,
    compileS,
    setupS,
    scalarsS: res.timingsMs.scalars / 1000,
    pointsS: res.timingsMs.points / 1000,
    proveS,
    verified,
  };
}

async function snarkjsBaseline(power: number): Promise<{ ptauS: number; setupS: number }> {
  const k = CHAIN_FOR_POWER[power] as number;
  const fx = await compileCircom(`chain_${k}`, poseidonChainSource(k));
  const curve = await buildBn128();
  const p0 = join(fx.dir, "pot0.ptau");
  const p1 = join(fx.dir, "pot1.ptau");
  const pf = join(fx.dir, "potf.ptau");
  const z = join(fx.dir, "baseline.zkey");
  log(`baseline 2^${power}: snarkjs powersoftau new + contribute + prepare phase2...`);
  let t = performance.now();
  await snarkjs.powersOfTau.newAccumulator(curve, power, p0);
  await snarkjs.powersOfTau.contribute(p0, p1, "bench", "entropy");
  await snarkjs.powersOfTau.preparePhase2(p1, pf);
  const ptauS = (performance.now() - t) / 1000;
  log(`baseline 2^${power}: snarkjs groth16 setup...`);
  t = performance.now();
  await snarkjs.zKey.newZKey(fx.r1csPath, pf, z);
  const setupS = (performance.now() - t) / 1000;
  await Promise.all([p0, p1, pf, z].map((f) => rm(f, { force: true })));
  return { ptauS, setupS };
}

async function main(): Promise<void> {
  const o = new Command()
    .option("--powers <list>", "domain powers", "12,14,16,17")
    .option("--baseline", "also time snarkjs' ptau route at 2^12", false)
    .parse(process.argv)
    .opts<{ powers: string; baseline: boolean }>();
  const rows: Row[] = [];
  for (const p of o.powers.split(",").map(Number)) rows.push(await benchPower(p));

  const f = (x: number) => x.toFixed(1).padStart(7);
  const lines = [
    "",
    "domain  constraints  dev-setup(s)  scalars(s)  points(s)  snarkjs-prove(s)  setup/prove  verifies",
    ...rows.map(
      (r) =>
        `2^${String(r.power).padEnd(4)}  ${String(r.constraints).padStart(11)}  ${f(r.setupS)}       ${f(r.scalarsS)}    ${f(r.pointsS)}   ${f(r.proveS)}           ${(r.setupS / r.proveS).toFixed(2).padStart(5)}x      ${r.verified}`,
    ),
  ];
  if (o.baseline) {
    const b = await snarkjsBaseline(12);
    const dev = rows.find((r) => r.power === 12);
    lines.push(
      "",
      `snarkjs route at 2^12: powers of tau ${b.ptauS.toFixed(1)}s + groth16 setup ${b.setupS.toFixed(1)}s` +
        (dev ? ` = ${((b.ptauS + b.setupS) / dev.setupS).toFixed(1)}x the dev setup` : ""),
    );
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

main().then(
  () => process.exit(0), // snarkjs keeps its curve workers alive
  (err) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
