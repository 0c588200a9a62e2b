/**
 * `npm run sim -- --tape FILE --policy NAME [--policy NAME2 …] [--out DIR]`: replays a tape once per
 * policy (sequencer/sim/run.ts), writes DIR/<policy>.ledger.json (bigints as strings) and
 * DIR/summary.json, prints a side-by-side markdown table and each policy's final state root. When the
 * tape isolates margin, summary.json also maps each policy's account ids to traders (`accounts`), so
 * ledger records of sub-accounts can be read per trader.
 * Errors a user can fix (missing file, bad tape, unknown policy) exit with code 2.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { SingleBar } from "cli-progress";
import { Command } from "commander";
import { isPolicyName, POLICY_NAMES } from "../sequencer/sim/policies.ts";
import { runTape } from "../sequencer/sim/run.ts";
import { type SimSummary, summaryTable } from "../sequencer/sim/summary.ts";
import { bigJson, parseTape, type Tape, TapeError } from "../sequencer/sim/tape.ts";

function fail(message: string): never {
  console.error(`sim: ${message}`);
  process.exit(2);
}

/** Account id → trader (and the market of an isolated sub-account), ascending ids. */
function accountsByTrader(r: Awaited<ReturnType<typeof runTape>>) {
  const market = new Map<number, number>();
  for (const subs of r.isolated.values()) for (const [m, id] of subs) market.set(id, m);
  const out: Record<number, { trader: number; isolatedMarket?: number }> = {};
  for (const [id, trader] of [...r.owners].sort((a, b) => a[0] - b[0])) {
    const m = market.get(id);
    out[id] = m === undefined ? { trader } : { trader, isolatedMarket: m };
  }
  return out;
}

const collect = (v: string, prev: string[]) => [...prev, ...v.split(",").filter((s) => s !== "")];
const o = new Command()
  .name("sim")
  .requiredOption("--tape <file>", "tape to replay (make one with npm run gen-tape)")
  .option("--policy <name>", `policy, repeatable or comma-separated: ${POLICY_NAMES.join(", ")}`, collect, [])
  .option("--out <dir>", "where to write <policy>.ledger.json and summary.json", "sim-out")
  .option("--sweep-ms <ms>", "zombie sweep period in tape ms", "10000")
  .option("--root-every <n>", "also record the state root every N events (0 = only at the end)", "0")
  .option("--no-progress", "no progress bar")
  .parse()
  .opts<{
    tape: string;
    policy: string[];
    out: string;
    sweepMs: string;
    rootEvery: string;
    progress: boolean;
  }>();

const policies = o.policy.length > 0 ? o.policy : ["simple"];
const unknown = policies.filter((p) => !isPolicyName(p));
if (unknown.length > 0) {
  fail(
    `unknown policy ${unknown.map((p) => `"${p}"`).join(", ")}; known policies: ${POLICY_NAMES.join(", ")}`,
  );
}
if (!existsSync(o.tape)) {
  fail(
    `tape file ${o.tape} not found; make one with: npm run gen-tape -- --shape calm --seed 1 --out ${o.tape}`,
  );
}
const sweepMs = Number(o.sweepMs);
const rootEvery = Number(o.rootEvery);
if (!Number.isInteger(sweepMs) || sweepMs < 0) fail(`--sweep-ms must be an integer ≥ 0, got "${o.sweepMs}"`);
if (!Number.isInteger(rootEvery) || rootEvery < 0)
  fail(`--root-every must be an integer ≥ 0, got "${o.rootEvery}"`);

let tape: Tape;
try {
  tape = parseTape(readFileSync(o.tape, "utf8"));
} catch (e) {
  if (e instanceof TapeError)
    fail(`${o.tape}: ${e.message} (regenerate it with npm run gen-tape, or fix that line)`);
  throw e;
}

mkdirSync(o.out, { recursive: true });
const h = tape.header;
console.log(
  `sim: ${o.tape}: shape ${h.shape}, seed ${h.seed}, ${tape.events.length} events, ${h.durationMs / 60_000} min; ` +
    `policies ${policies.join(", ")}`,
);
const summaries: SimSummary[] = [];
const roots: { policy: string; root: string; ms: number }[] = [];
const finalStates: Record<string, unknown> = {};
const accountMaps: Record<string, Record<number, { trader: number; isolatedMarket?: number }>> = {};
for (const policy of policies) {
  const showBar = o.progress && process.stderr.isTTY && tape.events.length > 20_000;
  const bar = showBar
    ? new SingleBar({ format: `  ${policy.padEnd(12)} {bar} {percentage}% {value}/{total} events` })
    : undefined;
  bar?.start(tape.events.length, 0);
  const t0 = performance.now();
  const r = await runTape(tape, policy, {
    sweepMs,
    rootEvery,
    onProgress: (done) => bar?.update(done),
    progressEvery: 2_000,
  });
  bar?.stop();
  const ms = performance.now() - t0;
  writeFileSync(join(o.out, `${policy}.ledger.json`), `${bigJson(r.ledger, 2)}\n`);
  if (r.roots.length > 0) writeFileSync(join(o.out, `${policy}.roots.json`), `${bigJson(r.roots, 2)}\n`);
  summaries.push(r.summary);
  finalStates[policy] = r.finalState;
  if (r.isolated.size > 0) accountMaps[policy] = accountsByTrader(r);
  roots.push({ policy, root: `0x${r.finalRoot.toString(16).padStart(64, "0")}`, ms });
  console.log(`  ${policy}: ${r.ledger.length} liquidation events, ${(ms / 1000).toFixed(1)} s`);
}
// Only with sub-accounts: without them a ledger id is a trader's one account (key 1000 + trader).
const accounts = Object.keys(accountMaps).length > 0 ? accountMaps : undefined;
writeFileSync(
  join(o.out, "summary.json"),
  `${bigJson({ tape: o.tape, header: { ...h, params: undefined }, summaries, roots, finalStates, accounts }, 2)}\n`,
);
console.log("");
console.log(summaryTable(summaries));
console.log("");
console.log("| policy | final state root |");
console.log("|---|---|");
for (const r of roots) console.log(`| ${r.policy} | ${r.root} |`);
console.log(
  `\nsim: wrote ${policies.map((p) => `${p}.ledger.json`).join(", ")} and summary.json to ${o.out}`,
);
