import { z } from "zod";
import { type Env, intFromEnv, logLevel, parseConfig, withEnv } from "../../core/config.ts";

/** Exported so deploy/ manifests can be checked against it (test/unit/deploy/manifests.test.ts). */
export const keeperSchema = z.object({
  /** The sequencer's API; with a standby, every node, comma-separated (the client follows the leader). */
  API_URL: z.string().refine((s) => s.split(",").every((u) => URL.canParse(u.trim())), {
    message: "API_URL: one or more URLs, comma-separated",
  }),
  KEEPER_SEED: z.string().min(1).default("devnet-keeper"),
  KEEPER_INTERVAL_MS: intFromEnv(1000),
  KEEPER_RANDOM_SEED: z.string().default("oracle-walk"),
  /** Starting prices per market in micro-USDC per lot (lots of 0.001 BTC and 0.01 ETH), comma separated. */
  KEEPER_START_PRICES: z.string().default("60000000,30000000"),
  KEEPER_VOL_BPS: intFromEnv(20),
  LOG_LEVEL: logLevel,
});

export type KeeperConfig = Readonly<z.infer<typeof keeperSchema>>;

export const loadKeeperConfig = (over: Env = {}) => parseConfig(keeperSchema, withEnv(over), "keeper");
