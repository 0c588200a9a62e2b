/**
 * Order intake: accepted signed orders per second over HTTP (one request each, the baseline) and over
 * the order-entry WebSocket (batches per frame), against the same in-process sequencer API in the
 * same run (scripts/intake/bench-server.ts: the devnet's config, a real LevelDB WAL, real signature
 * checks). Orders are signed before anything is timed. The load client runs in a child process, so
 * its CPU share and the server's are measured apart. Not a test.
 *   npx tsx scripts/bench-intake.ts [--http-pairs 32] [--http-rounds 100] [--ws-pairs 100]
 *     [--ws-rounds 300] [--seconds 10] [--connections 2] [--window 4096] [--encoding msgpack]
 *     [--verify-threads N]
 */
import { fork } from "node:child_process";
import { cpus, loadavg } from "node:os";
import { Command } from "commander";
import { orderBody } from "../sequencer/api/schemas.ts";
import { warmUpCrypto } from "../sequencer/crypto/keys.ts";
import { activeNative } from "../sequencer/crypto/native.ts";
import { signedPreimageOf } from "../sequencer/proof/signed-message.ts";
import { startBenchServer } from "./intake/bench-server.ts";
import type { LoadJob, LoadResult } from "./intake/load-client.ts";
import { presign, traderKey, type Workload } from "./intake/workload.ts";

const o = new Command()
  .option("--http-pairs <n>", "trader pairs (= concurrent HTTP connections) for the HTTP phase", "32")
  .option("--http-rounds <n>", "orders per trader in the HTTP phase", "100")
  .option("--ws-pairs <n>", "trader pairs for the WebSocket phase", "100")
  .option("--ws-rounds <n>", "orders per trader in the WebSocket phase", "300")
  .option("--seconds <s>", "most a phase may send for", "10")
  .option("--connections <n>", "WebSocket connections", "2")
  .option("--window <n>", "items in flight per WebSocket connection", "4096")
  .option("--encoding <e>", "msgpack or json frames", "msgpack")
  .option("--verify-threads <n>", "verify-pool worker threads (default one per core; 0 = in-thread)")
  .option("--tree-defer-ms <ms>", "the sequencer's TREE_DEFER_MS (default: the devnet's)")
  .parse()
  .opts<{
    httpPairs: string;
    httpRounds: string;
    wsPairs: string;
    wsRounds: string;
    seconds: string;
    connections: string;
    window: string;
    encoding: "msgpack" | "json";
    verifyThreads?: string;
    treeDeferMs?: string;
  }>();

const say = (m: string) => console.log(`[bench-intake] ${m}`);
const PRICE = 60_000_000n; // the devnet keeper's start price for market 0, a multiple of its tick
const http: Workload = {
  seed: "intake-http",
  pairs: Number(o.httpPairs),
  rounds: Number(o.httpRounds),
  firstAccountId: 1,
  price: PRICE,
};
const ws: Workload = {
  seed: "intake-ws",
  pairs: Number(o.wsPairs),
  rounds: Number(o.wsRounds),
  firstAccountId: 1 + 2 * http.pairs,
  price: PRICE,
};

let t = performance.now();
const [httpBodies, wsBodies] = [await presign(http, 2), await presign(ws, 2)];
say(
  `pre-signed ${http.pairs * http.rounds * 2 + ws.pairs * ws.rounds * 2} orders in ${((performance.now() - t) / 1000).toFixed(1)} s (cached by parameters in the temp dir)`,
);

/**
 * What one order's signature check costs on this machine now (one thread, native): Poseidon over the
 * 11 signed fields, then the EdDSA verify (a key with its table). Every order pays both, in the verify
 * workers; it bounds what the cores can admit whatever the transport.
 */
function cryptoCostUs(body: Record<string, unknown>): { hashUs: number; verifyUs: number } {
  warmUpCrypto({ nativeKeyTables: 512 });
  const addon = activeNative();
  if (!addon) return { hashUs: Number.NaN, verifyUs: Number.NaN };
  const b = orderBody.parse(body);
  const pre = signedPreimageOf({ kind: "order", ...b, price: b.price ?? 0n })!;
  const key = traderKey(ws, 0).pubKey;
  const msg = addon.poseidon(pre)!;
  const n = 2000;
  let t0 = performance.now();
  for (let i = 0; i < n; i++) addon.poseidon(pre);
  const hashUs = ((performance.now() - t0) * 1000) / n;
  const { r8x, r8y, s } = b.signature;
  for (let i = 0; i < 4; i++) addon.verify(msg, r8x, r8y, key[0], key[1], s); // earn the key its table
  t0 = performance.now();
  for (let i = 0; i < n; i++) addon.verify(msg, r8x, r8y, key[0], key[1], s);
  return { hashUs, verifyUs: ((performance.now() - t0) * 1000) / n };
}
const cost = cryptoCostUs(wsBodies.bodies[0]![0]!);
say(
  `signature check per order, one thread: Poseidon(11) ${cost.hashUs.toFixed(0)} µs + verify ${cost.verifyUs.toFixed(0)} µs`,
);

const traders = [http, ws].flatMap((w) =>
  Array.from({ length: 2 * w.pairs }, (_, i) => traderKey(w, i).pubKey as readonly [bigint, bigint]),
);
t = performance.now();
const server = await startBenchServer({
  traders,
  price: PRICE,
  ...(o.verifyThreads === undefined ? {} : { verifyThreads: Number(o.verifyThreads) }),
  ...(o.treeDeferMs === undefined ? {} : { config: { TREE_DEFER_MS: o.treeDeferMs } }),
});
const last = server.sequencer.engine.accountIdByKey(...traders.at(-1)!);
if (last !== traders.length)
  throw new Error(`trader accounts are not 1..${traders.length} (last is ${last})`);
say(
  `sequencer up in ${((performance.now() - t) / 1000).toFixed(1)} s: instance ${server.instance.name} (T=${server.instance.T}, N=${server.instance.N}), ${traders.length} traders, crypto ${server.cryptoBackend}, TREE_DEFER_MS ${server.treeDeferMs}, verify pool ${server.pool.threads} threads, ${cpus().length} cores`,
);

/** One phase in a child process; the server's CPU over the same span is this process's. */
async function phase(mode: LoadJob["mode"], file: string): Promise<{ r: LoadResult; serverCpuMs: number }> {
  const child = fork(new URL("./intake/load-client.ts", import.meta.url), [], {
    execArgv: ["--import", "tsx"],
    serialization: "advanced",
  });
  const job: LoadJob = {
    mode,
    url: server.url,
    file,
    maxMs: Number(o.seconds) * 1000,
    connections: Number(o.connections),
    window: Number(o.window),
    encoding: o.encoding,
  };
  const got = new Promise<LoadResult>((resolve, reject) => {
    child.once("message", (m) => resolve(m as LoadResult));
    child.once("exit", (code) => code !== 0 && reject(new Error(`load client exited with ${code}`)));
  });
  // The child loads its bodies before it starts its clock; the server's clock spans that too, so
  // its CPU share below is a slight underestimate (idle time counted as wall).
  const cpu0 = process.cpuUsage();
  child.send(job);
  const r = await got;
  const cpu = process.cpuUsage(cpu0);
  return { r, serverCpuMs: (cpu.user + cpu.system) / 1000 };
}

const rows: {
  name: string;
  r: LoadResult;
  serverCpuMs: number;
  rate: number;
  catchUpMs: number;
}[] = [];
for (const [name, mode, file] of [
  ["HTTP POST /orders", "http", httpBodies.file],
  [`WS /ws/orders (${o.encoding})`, "ws", wsBodies.file],
] as const) {
  const { r, serverCpuMs } = await phase(mode, file);
  // Tree work (the prover's input) deferred during the phase: how long it takes to catch up after.
  const t0 = performance.now();
  await server.sequencer.settled();
  const catchUpMs = performance.now() - t0;
  const rate = r.accepted / (r.wallMs / 1000);
  rows.push({ name, r, serverCpuMs, rate, catchUpMs });
  say(
    `${name}: ${r.accepted}/${r.sent} accepted in ${(r.wallMs / 1000).toFixed(2)} s; tree work caught up ${(catchUpMs / 1000).toFixed(2)} s later`,
  );
}
const sealed = server.sequencer.openBatchNumber - 1n;
await server.stop();

const pct = (x: number) => `${(100 * x).toFixed(0)}%`;
console.log(
  "\npath                       accepted   sent       wall s   accepted/s   client CPU (of 1 core)   server CPU (of 1 core)   per server CPU-s   tree catch-up s   incl. catch-up/s   refused",
);
for (const { name, r, serverCpuMs, rate, catchUpMs } of rows) {
  const refused = Object.entries(r.refused)
    .map(([c, n]) => `${c}:${n}`)
    .join(" ");
  console.log(
    `${name.padEnd(27)}${String(r.accepted).padEnd(11)}${String(r.sent).padEnd(11)}${(r.wallMs / 1000).toFixed(2).padEnd(9)}${Math.round(rate).toLocaleString("en-US").padEnd(13)}${pct(r.cpuMs / r.wallMs).padEnd(25)}${pct(serverCpuMs / r.wallMs).padEnd(25)}${Math.round(
      r.accepted / (serverCpuMs / 1000),
    )
      .toLocaleString("en-US")
      .padEnd(19)}${(catchUpMs / 1000).toFixed(2).padEnd(18)}${Math.round(
      r.accepted / ((r.wallMs + catchUpMs) / 1000),
    )
      .toLocaleString("en-US")
      .padEnd(19)}${refused || "-"}${r.closed ? ` closed:${r.closed}` : ""}`,
  );
}
console.log(
  "\nCPU per accepted order, µs: server process (main thread + verify workers + libuv), load client",
);
for (const { name, r, serverCpuMs } of rows)
  console.log(
    `${name.padEnd(27)}server ${((1000 * serverCpuMs) / r.accepted).toFixed(0)}, client ${((1000 * r.cpuMs) / r.accepted).toFixed(0)}`,
  );
const [h, w] = rows;
console.log(
  `\nWS ÷ HTTP accepted/s: ${(w!.rate / h!.rate).toFixed(1)}x   (goal: ≥ 10,000 accepted signed orders/s via WS)`,
);
console.log(`batches sealed during the run: ${sealed}`);
console.log(
  "per server CPU-s: accepted orders per second of the server process's CPU (main thread, verify workers,\n" +
    "libuv) over the phase; the figure that moves least when other jobs share the cores. Load average now: " +
    loadavg()
      .map((x) => x.toFixed(1))
      .join(" "),
);
