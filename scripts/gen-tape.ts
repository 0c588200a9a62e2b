/**
 * `npm run gen-tape -- --shape calm|crash|jelly --seed N --minutes M --out FILE`: writes a seeded,
 * deterministic synthetic tape (JSON Lines; format in sequencer/sim/tape.ts, shapes and their
 * parameters in sequencer/sim/gen.ts and docs/SIM.md). Same arguments → byte-identical file.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { Command } from "commander";
import { generateTape, SHAPES, type Shape } from "../sequencer/sim/gen.ts";
import { serializeTape } from "../sequencer/sim/tape.ts";

function fail(message: string): never {
  console.error(`gen-tape: ${message}`);
  process.exit(2);
}

const o = new Command()
  .name("gen-tape")
  .requiredOption("--shape <shape>", `scenario: ${SHAPES.join(" | ")}`)
  .option("--seed <n>", "seed (any string; same seed → same tape)", "1")
  .option("--minutes <m>", "tape length in minutes of tape time", "10")
  .requiredOption("--out <file>", "where to write the tape (.jsonl)")
  .parse()
  .opts<{ shape: string; seed: string; minutes: string; out: string }>();

if (!(SHAPES as readonly string[]).includes(o.shape)) {
  fail(`unknown shape "${o.shape}"; use --shape ${SHAPES.join(" | ")}`);
}
const minutes = Number(o.minutes);
if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 1440) {
  fail(`--minutes must be a number in (0, 1440], got "${o.minutes}"`);
}
const tape = generateTape({ shape: o.shape as Shape, seed: o.seed, minutes });
const text = serializeTape(tape);
mkdirSync(dirname(o.out), { recursive: true });
writeFileSync(o.out, text);
const orders = tape.events.filter((e) => e.kind === "order").length;
console.log(
  `gen-tape: wrote ${o.out}: shape ${o.shape}, seed ${o.seed}, ${minutes} min, ${tape.events.length} events ` +
    `(${orders} orders), ${tape.header.traders} traders, ${(text.length / 1e6).toFixed(1)} MB`,
);
