/** The sequencer node process: `tsx node/sequencer/main.ts` (the devnet starts it with the right env). */
import pino from "pino";
import { loadSequencerConfig } from "./config.ts";
import { startSequencerNode } from "./sequencer-node.ts";

const cfg = loadSequencerConfig();
const log = pino({ level: cfg.LOG_LEVEL, base: { role: "sequencer", pid: process.pid } });
const node = await startSequencerNode(cfg, log);
log.info({ url: node.url }, "sequencer ready");
// A deposed leader's engine may hold a group the log refused: never reuse it. The supervisor starts
// the process again, and it rejoins as a standby from its WAL and the log.
void node.ended.then((why) => {
  log.fatal({ why }, "this sequencer cannot go on; exiting for a clean restart");
  process.exit(75);
});

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  await node.stop();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
