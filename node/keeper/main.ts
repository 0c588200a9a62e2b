/** The oracle keeper process: `tsx node/keeper/main.ts` with API_URL set. */
import pino from "pino";
import { loadKeeperConfig } from "./config.ts";
import { startKeeper } from "./oracle-keeper.ts";

const cfg = loadKeeperConfig();
const log = pino({ level: cfg.LOG_LEVEL, base: { role: "keeper", pid: process.pid } });
const keeper = startKeeper({
  apiUrl: cfg.API_URL,
  keeperSeed: cfg.KEEPER_SEED,
  randomSeed: cfg.KEEPER_RANDOM_SEED,
  startPrices: cfg.KEEPER_START_PRICES.split(",").map((s) => BigInt(s.trim())),
  volBps: cfg.KEEPER_VOL_BPS,
  tick: 1000n,
  intervalMs: cfg.KEEPER_INTERVAL_MS,
  clock: Date.now,
  log,
});
log.info({ api: cfg.API_URL }, "oracle keeper started (seeded random walk)");
const stop = () => {
  keeper.stop();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
