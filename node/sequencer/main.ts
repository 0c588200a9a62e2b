/** The sequencer node process: `tsx node/sequencer/main.ts` (the devnet starts it with the right env). */
import pino from "pino";
import { loadSequencerConfig } from "./config.ts";
import { startSequencerNode } from "./sequencer-node.ts";

const cfg = loadSequencerConfig();
const log = pino({ level: cfg.LOG_LEVEL, base: { role: "sequencer", pid: process.pid } });
const node = await startSequencerNode(cfg, log);
log.info({ url: node.url }, "sequencer ready");

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  await node.stop();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
