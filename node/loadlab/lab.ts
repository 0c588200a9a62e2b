/**
 * One load-lab run against a running devnet: fund the tape's accounts and the probes on L1, measure
 * liquidations on a quiet system (idle probes), open the load probes, then send the tape open-loop
 * while sampling the sequencer, wait (bounded) for the proofs, and read the trace back.
 */
import { loadInstance } from "../../circuits/compile.ts";
import { BaseError } from "../../core/errors.ts";
import { devKey } from "../../sequencer/crypto/keys.ts";
import { ApiClient, postPrice, Trader } from "../client/api-client.ts";
import { devnetUser } from "../client/l1-user.ts";
import type { DevnetInfo } from "../devnet/devnet.ts";
import { waitFor } from "../devnet/processes.ts";
import { analyzeRun } from "./analyze.ts";
import { readState, readTrace, type StateJson, startSampler, type TraceRow } from "./collect.ts";
import { Driver, type RequestRecord } from "./driver.ts";
import { planTape, withExtra } from "./plan.ts";
import {
  liquidatingPrice,
  loadProbeLeverage,
  loadProbeSteps,
  openProbe,
  PROBE_DEPOSIT,
  PROBE_MARKET,
  PROBE_PRICE,
} from "./probes.ts";
import type { LabRun } from "./report-types.ts";
import type { Scenario } from "./scenarios.ts";
import { SignPool } from "./sign-pool.ts";

export class LabSetupError extends BaseError {
  override name = "LabSetupError";
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("LAB_SETUP", message, { details });
  }
}

export interface LabOptions {
  info: DevnetInfo;
  scenario: Scenario;
  label: string;
  maxAccounts: number;
  idleProbes: number;
  loadProbes: number;
  /** Per request. */
  timeoutMs: number;
  /** How long after the tape the lab waits for its batches to be L1-verified. */
  drainMs: number;
  say: (msg: string) => void;
}

export interface LabResult {
  run: LabRun;
  devnet: Record<string, string | number | boolean>;
  /** Every scheduled request's outcome (for checks beyond the report). */
  records: RequestRecord[];
  /** /state when the lab stopped (its admission view holds the bound docs/LANE.md gives). */
  finalState: StateJson;
  /** The probes' account ids (the rest of the liquidations are the tape's own cascade). */
  probeAccounts: { idle: number[]; load: number[] };
}

const MAKER_DEPOSIT = 5_000_000n * 1_000_000n;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runLab(o: LabOptions): Promise<LabResult> {
  const { info, say } = o;
  if (info.keeper !== false)
    throw new LabSetupError(
      "the load lab posts the index itself; start the devnet with --no-keeper (npm run devnet -- --no-keeper)",
    );
  const api = new ApiClient(info.apiUrl);
  const st0 = await readState(info.apiUrl);
  const leaves = 2 ** loadInstance(info.instance).D;
  const probes = o.idleProbes + o.loadProbes;
  const free = leaves - st0.accounts - 1 - probes;
  if (free < 2)
    throw new LabSetupError(
      `the devnet's tree has ${leaves - st0.accounts} free accounts; the lab needs ${probes + 3} (maker, probes, 2 tape accounts). Start a fresh devnet or pass fewer --idle-probes/--load-probes`,
      { leaves, used: st0.accounts },
    );
  let plan = planTape(o.scenario.tape, Math.min(o.maxAccounts, free));
  const tapeMarkets = o.scenario.tape.header.markets;
  if (tapeMarkets > PROBE_MARKET && o.idleProbes + o.loadProbes > 0)
    throw new LabSetupError(`the probes trade market ${PROBE_MARKET}; the tape must trade market 0 only`);

  // Load probes: the k-th price step liquidates the k-th probe, inside the burst when there is one.
  plan = withExtra(plan, loadProbeSteps(plan, o.scenario, o.loadProbes));

  const runId = `${Date.now().toString(36)}-${o.label.replace(/\W+/g, "")}`;
  const slotKeys = plan.slots.map((_, k) => devKey(`loadlab:${runId}:slot:${k}`));
  const makerKey = devKey(`loadlab:${runId}:maker`);
  const probeKeys = Array.from({ length: probes }, (_, k) => devKey(`loadlab:${runId}:probe:${k}`));
  const keeperPrv = devKey(info.keeperSeed).prv;

  say(`posting the initial index prices`);
  let lastTs = 0;
  const price = async (marketId: number, p: bigint) => {
    lastTs = Math.max(Date.now(), lastTs + 1);
    await postPrice(api, keeperPrv, marketId, p, BigInt(lastTs));
  };
  for (const [m, p] of plan.initialPrices.entries()) await price(m, p);
  if (probes > 0) await price(PROBE_MARKET, PROBE_PRICE);

  say(`funding ${plan.slots.length} tape accounts, a maker and ${probes} probes on L1`);
  const funder = devnetUser(info, 5);
  const funding: (readonly [readonly [bigint, bigint], bigint])[] = [
    ...plan.slots.map((s, k) => [slotKeys[k]!.pubKey, s.deposit] as const),
    [makerKey.pubKey, MAKER_DEPOSIT],
    ...probeKeys.map((k) => [k.pubKey, PROBE_DEPOSIT] as const),
  ];
  for (const [pub, amount] of funding) await funder.deposit(pub, amount);
  const attach = (k: { prv: Uint8Array; pubKey: [bigint, bigint] }) =>
    waitFor("a funded account", () => Trader.attach(api, k.prv, k.pubKey), 600_000, 500);
  const slots = [];
  for (const k of slotKeys) slots.push(await attach(k));
  const maker = await attach(makerKey);
  const probers = [];
  for (const k of probeKeys) probers.push(await attach(k));
  await waitQuiet(info.apiUrl, say);

  const labStart = Date.now();
  for (let k = 0; k < o.idleProbes; k++) {
    const probe = probers[k]!;
    await openProbe(maker, probe, 9.5);
    await waitQuiet(info.apiUrl, say);
    say(`idle probe ${k + 1}/${o.idleProbes}: index step on market ${PROBE_MARKET}`);
    const from = Date.now();
    await price(PROBE_MARKET, liquidatingPrice(9.5));
    const row = await waitFor(
      `probe ${probe.accountId}'s liquidation to be L1-verified`,
      async () =>
        (await readTrace(info.apiUrl)).find(
          (r) =>
            r.kind === "liquidation" &&
            r.accountId === probe.accountId &&
            r.received >= from &&
            r.batchTimes?.verified !== undefined,
        ),
      300_000,
      500,
    );
    say(`  trigger → L1-verified ${row.batchTimes!.verified! - (row.trigger?.at ?? row.received)} ms`);
    await price(PROBE_MARKET, PROBE_PRICE);
    await waitQuiet(info.apiUrl, say);
  }
  for (let k = 0; k < o.loadProbes; k++)
    await openProbe(maker, probers[o.idleProbes + k]!, loadProbeLeverage(k));
  if (o.loadProbes > 0) await waitQuiet(info.apiUrl, say);

  const prices: { at: number; price: bigint }[] = [];
  const pool = new SignPool();
  try {
    const driver = new Driver({
      apiUrl: info.apiUrl,
      plan,
      accounts: slots.map((t) => ({ accountId: t.accountId, prv: t.prv, nonce: t.nonce })),
      keeperPrv,
      pool,
      timeoutMs: o.timeoutMs,
      onPrice: (m, p, at) => {
        if (m === 0) prices.push({ at, price: p });
      },
    });
    let lastPct = -1;
    await driver.presign((done, total) => {
      const pct = Math.floor((100 * done) / Math.max(1, total));
      if (pct >= lastPct + 20 || done === total) say(`pre-signed ${done}/${total} orders`);
      if (pct >= lastPct + 20) lastPct = pct;
    });
    const stBefore = await readState(info.apiUrl);
    const devnet: LabResult["devnet"] = {
      instance: info.instance,
      setupMode: info.setupMode,
      liquidationLane: stBefore.liquidationLane,
      backpressure: stBefore.admission !== undefined,
      ...(stBefore.admission
        ? {
            provers: stBefore.admission.provers,
            maxBacklog: stBefore.admission.maxBacklog,
            targetMs: stBefore.admission.targetMs,
            msPerBatchAtStart: stBefore.admission.msPerBatch,
            txPerBatch: stBefore.admission.txPerBatch,
          }
        : {}),
      tapeAccounts: plan.slots.length,
      tapeTraders: plan.slots.reduce((n, s) => n + s.traders.length, 0),
      idleProbes: o.idleProbes,
      loadProbes: o.loadProbes,
    };

    const sampler = startSampler(info.apiUrl);
    const startedAt = Date.now() + 500;
    const cpu0 = process.cpuUsage();
    say(`sending ${plan.requests.length} requests over ${(plan.durationMs / 1000).toFixed(0)} s`);
    const progress = setInterval(() => {
      const s = driver.records;
      const n = s.filter((r) => r.sent !== undefined).length;
      const ok = s.filter((r) => r.outcome === "acked").length;
      const shed = s.filter((r) => r.code === "OVERLOADED").length;
      say(`  t=${((Date.now() - startedAt) / 1000).toFixed(0)} s sent ${n} acked ${ok} shed ${shed}`);
    }, 10_000);
    const records = await driver.run(startedAt).finally(() => clearInterval(progress));
    const tapeEnd = Date.now();
    const cpu = process.cpuUsage(cpu0);
    const clientCpuShare = (cpu.user + cpu.system) / 1000 / Math.max(1, tapeEnd - startedAt);

    const target = await lastAppliedBatch(info.apiUrl);
    say(`tape sent; waiting up to ${o.drainMs / 1000} s for batch ${target} to be L1-verified`);
    for (;;) {
      const s = await readState(info.apiUrl).catch(() => undefined);
      if (s && Number(s.lastVerifiedBatch) >= target) break;
      if (Date.now() - tapeEnd > o.drainMs) {
        say(
          `  stopped waiting: verified ${s?.lastVerifiedBatch ?? "?"} of ${target} (the rest is reported as censored)`,
        );
        break;
      }
      await sleep(1_000);
    }
    const endedAt = Date.now();
    const samples = sampler.stop();
    const trace = (await readTrace(info.apiUrl)).filter((r: TraceRow) => r.received >= labStart);
    const run = analyzeRun({
      label: o.label,
      laneOn: stBefore.liquidationLane,
      startedAt,
      endedAt,
      records,
      trace,
      samples,
      prices,
      clientCpuShare,
    });
    const ids = probers.map((p) => p.accountId);
    return {
      run,
      devnet,
      records,
      finalState: await readState(info.apiUrl),
      probeAccounts: { idle: ids.slice(0, o.idleProbes), load: ids.slice(o.idleProbes) },
    };
  } finally {
    await pool.close();
  }
}

/** The batch that holds the last applied tx (the open one if it has txs). */
async function lastAppliedBatch(apiUrl: string): Promise<number> {
  const s = await readState(apiUrl);
  return s.openBatchTxs > 0 ? Number(s.openBatch) : Number(s.openBatch) - 1;
}

/** Until everything sealed is L1-verified and no normal work is pending (a price-only batch may wait). */
async function waitQuiet(apiUrl: string, say: (m: string) => void, timeoutMs = 600_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  let told = false;
  for (;;) {
    const s = await readState(apiUrl);
    const pending = s.admission ? s.admission.pendingTxs : s.openBatchTxs;
    if (
      Number(s.lastVerifiedBatch) >= Number(s.lastSealedBatch) &&
      s.lanes.normal + s.lanes.liquidation === 0 &&
      pending === 0
    )
      return;
    if (Date.now() > end) throw new LabSetupError(`the devnet did not go quiet within ${timeoutMs / 1000} s`);
    if (!told)
      say(
        `waiting for the devnet to go quiet (sealed ${s.lastSealedBatch}, verified ${s.lastVerifiedBatch})`,
      );
    told = true;
    await sleep(500);
  }
}
