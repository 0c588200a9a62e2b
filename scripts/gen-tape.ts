/**
 * `npm run gen-tape -- --shape calm|crash|jelly --seed N --minutes M --out FILE`: writes a seeded,
 * deterministic synthetic tape (JSON Lines; format in sequencer/sim/tape.ts, shapes and their
 * parameters in sequencer/sim/gen.ts and docs/SIM.md). Same arguments → byte-identical file.
 *
 * Crash options (`--shape crash` only): `--severity normal|extreme` (a preset of the knobs below and
 * of the genesis), `--drop-pct`, `--gap-pct`, `--gap-at`, `--leveraged`, `--max-leverage`; any shape:
 * `--vault-capital` and `--insurance` (the header genesis, whole USDC); calm and crash:
 * `--isolated-share X` (that share of the leveraged traders trade from an isolated sub-account).
 * Explicit flags override the severity's values. Bad values exit with code 2 and say what to pass instead.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { Command } from "commander";
import {
  type GenOptions,
  generateTape,
  SEVERITIES,
  type Severity,
  SHAPES,
  type Shape,
} from "../sequencer/sim/gen.ts";
import { serializeTape } from "../sequencer/sim/tape.ts";

function fail(message: string): never {
  console.error(`gen-tape: ${message}`);
  process.exit(2);
}

interface Opts {
  shape: string;
  seed: string;
  minutes: string;
  out: string;
  severity?: string;
  dropPct?: string;
  gapPct?: string;
  gapAt?: string;
  leveraged?: string;
  maxLeverage?: string;
  vaultCapital?: string;
  insurance?: string;
  isolatedShare?: string;
}

const o = new Command()
  .name("gen-tape")
  .requiredOption("--shape <shape>", `scenario: ${SHAPES.join(" | ")}`)
  .option("--seed <n>", "seed (any string; same seed → same tape)", "1")
  .option("--minutes <m>", "tape length in minutes of tape time", "10")
  .requiredOption("--out <file>", "where to write the tape (.jsonl)")
  .option("--severity <s>", `crash: preset of the options below (${SEVERITIES.join(" | ")}; default normal)`)
  .option("--drop-pct <pct>", "crash: the index's fall along the crash path, % in (0, 90) (default 15)")
  .option("--gap-pct <pct>", "crash: a further one-tick fall of the index, % in [0, 90) (default 0)")
  .option("--gap-at <f>", "crash: where the gap falls, fraction of the crash window in [0, 1) (default 0)")
  .option("--leveraged <n>", "crash: number of leveraged traders, integer in [0, 10000] (default 30)")
  .option(
    "--max-leverage <x>",
    "crash: leveraged traders take uniform(5, x) leverage, x in [5, 10) (default 9.5)",
  )
  .option("--vault-capital <usdc>", "genesis backstop vault collateral, whole USDC (default 20000000)")
  .option("--insurance <usdc>", "genesis insurance fund, whole USDC (default 1000000)")
  .option(
    "--isolated-share <x>",
    "calm, crash: share of the leveraged traders who isolate their position's margin in a sub-account " +
      "and trade from it, fraction in [0, 1] (default 0)",
  )
  .parse()
  .opts<Opts>();

if (!(SHAPES as readonly string[]).includes(o.shape)) {
  fail(`unknown shape "${o.shape}"; use --shape ${SHAPES.join(" | ")}`);
}
const minutes = Number(o.minutes);
if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 1440) {
  fail(`--minutes must be a number in (0, 1440], got "${o.minutes}"`);
}

/** A decimal flag: plain digits with an optional fraction (no hex, exponents or blanks). */
function numberFlag(flag: string, raw: string | undefined, ok: (x: number) => boolean, what: string) {
  if (raw === undefined) return undefined;
  const x = /^\d+(\.\d+)?$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isFinite(x) || !ok(x)) fail(`${flag} must be ${what}, got "${raw}"`);
  return x;
}

const crashFlags: [keyof Opts, string][] = [
  ["severity", "--severity"],
  ["dropPct", "--drop-pct"],
  ["gapPct", "--gap-pct"],
  ["gapAt", "--gap-at"],
  ["leveraged", "--leveraged"],
  ["maxLeverage", "--max-leverage"],
];
if (o.shape !== "crash") {
  const used = crashFlags.filter(([k]) => o[k] !== undefined).map(([, f]) => f);
  if (used.length > 0) {
    const verb = used.length === 1 ? "applies" : "apply";
    fail(`${used.join(", ")} ${verb} only to --shape crash; drop them or use --shape crash`);
  }
}
if (o.severity !== undefined && !(SEVERITIES as readonly string[]).includes(o.severity)) {
  fail(`unknown severity "${o.severity}"; use --severity ${SEVERITIES.join(" | ")}`);
}
const whole = (x: number) => Number.isInteger(x) && x <= 1e12;
const gen: GenOptions = {
  shape: o.shape as Shape,
  seed: o.seed,
  minutes,
  severity: o.severity as Severity | undefined,
  dropPct: numberFlag("--drop-pct", o.dropPct, (x) => x > 0 && x < 90, "a percentage in (0, 90), e.g. 15"),
  gapPct: numberFlag("--gap-pct", o.gapPct, (x) => x < 90, "a percentage in [0, 90), e.g. 12"),
  gapAt: numberFlag("--gap-at", o.gapAt, (x) => x < 1, "a fraction of the crash window in [0, 1), e.g. 0.5"),
  leveraged: numberFlag(
    "--leveraged",
    o.leveraged,
    (x) => Number.isInteger(x) && x <= 10_000,
    "a whole number of traders in [0, 10000], e.g. 120",
  ),
  maxLeverage: numberFlag(
    "--max-leverage",
    o.maxLeverage,
    (x) => x >= 5 && x < 10,
    "a leverage in [5, 10) (the IMF is 10%), e.g. 9.5",
  ),
  vaultCapital: numberFlag("--vault-capital", o.vaultCapital, whole, "a whole number of USDC, e.g. 250000"),
  insurance: numberFlag("--insurance", o.insurance, whole, "a whole number of USDC, e.g. 50000"),
  isolatedShare: numberFlag(
    "--isolated-share",
    o.isolatedShare,
    (x) => x <= 1,
    "a fraction of the leveraged traders in [0, 1], e.g. 0.5",
  ),
};
for (const k of Object.keys(gen) as (keyof GenOptions)[]) if (gen[k] === undefined) delete gen[k];
if (o.shape === "jelly" && (gen.isolatedShare ?? 0) > 0) {
  fail("--isolated-share applies only to --shape calm or crash (jelly has no leveraged traders)");
}

let tape: ReturnType<typeof generateTape>;
try {
  tape = generateTape(gen);
} catch (e) {
  if (e instanceof RangeError) fail(e.message);
  throw e;
}
const text = serializeTape(tape);
mkdirSync(dirname(o.out), { recursive: true });
writeFileSync(o.out, text);
const orders = tape.events.filter((e) => e.kind === "order").length;
const isolates = tape.events.filter((e) => e.kind === "isolate").length;
const iso = isolates > 0 ? `, ${isolates} isolated traders` : "";
const sev = `${o.severity ? `, severity ${o.severity}` : ""}${iso}`;
console.log(
  `gen-tape: wrote ${o.out}: shape ${o.shape}${sev}, seed ${o.seed}, ${minutes} min, ${tape.events.length} events ` +
    `(${orders} orders), ${tape.header.traders} traders, ${(text.length / 1e6).toFixed(1)} MB`,
);
