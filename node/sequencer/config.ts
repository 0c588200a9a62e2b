import { z } from "zod";
import { type Env, intFromEnv, parseConfig, withEnv } from "../../core/config.ts";
import { REPO_ROOT } from "../../core/repo-root.ts";
import { proveQueueFields } from "../../prover/config.ts";
import { isPolicyName, POLICY_NAMES } from "../../sequencer/sim/policies.ts";

const hexKey = z.string().regex(/^0x[0-9a-fA-F]{64}$/, "a 32-byte hex private key (0x + 64 hex digits)");
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, "a 20-byte hex address");

/** Exported so deploy/ manifests can be checked against it (test/unit/deploy/manifests.test.ts). */
export const sequencerSchema = z.object({
  ...proveQueueFields,
  DATA_DIR: z.string().default(`${REPO_ROOT}.devnet/data`),
  API_HOST: z.string().default("127.0.0.1"),
  API_PORT: intFromEnv(8080),
  L1_RPC_URL: z.string().url(),
  ROLLUP_ADDRESS: address,
  OPERATOR_KEY: hexKey,
  /** Seed of the L2 key that owns the backstop account 0; must match the genesis the rollup was deployed with (checked at start). */
  BACKSTOP_SEED: z.string().min(1).default("devnet-backstop"),
  /** Seed of the oracle keeper's L2 key: only its signed prices are accepted. Must be the Rollup's keeper key (checked at start). */
  KEEPER_SEED: z.string().min(1).default("devnet-keeper"),
  BATCH_MAX_WAIT_MS: intFromEnv(2000),
  PRICE_BATCH_WAIT_MS: intFromEnv(30_000),
  /** A keeper price moving the mark this much seals a price-only batch at once (Sequencer docs). */
  URGENT_PRICE_MOVE_BPS: intFromEnv(50),
  LIQ_RESERVED_SLOTS: intFromEnv(2),
  /** Risk policy (mark, funding, liquidation waterfall) by name: simple, ftx, backpack, hyperliquid, dydx. */
  RISK_POLICY: z
    .string()
    .default("simple")
    .refine(isPolicyName, { message: `RISK_POLICY must be one of ${POLICY_NAMES.join(", ")}` }),
  /** Zombie sweep and follow-up of open liquidation events, ms; 0 turns it off. */
  SWEEP_INTERVAL_MS: intFromEnv(5_000),
  MAX_NORMAL_QUEUE: intFromEnv(50_000),
  /** A sealed batch's tree work may wait this long while requests arrive, ms; 0 = never (Sequencer docs). */
  TREE_DEFER_MS: intFromEnv(0),
  L1_POLL_MS: intFromEnv(500),
  /** A snapshot (engine + proof state) every this many batches, and the WAL before it compacted; 0 = off. */
  SNAPSHOT_EVERY_BATCHES: intFromEnv(100),
  /** A batch tx with no receipt after this long is taken as dropped: L1 is re-read and it is sent again, ms. */
  L1_RECEIPT_TIMEOUT_MS: intFromEnv(60_000),
  /** Every this many ms, sealed-but-unproven batches are checked against Redis (proof-reconciler.ts). */
  PROOF_RECONCILE_MS: intFromEnv(2_000),
  /**
   * "off" runs the lane-off baseline (docs/LANE.md): one FIFO, no reserved slots, no backpressure,
   * every proof at the same priority. For comparisons only.
   */
  LIQUIDATION_LANE: z.enum(["on", "off"]).default("on"),
  /** Backpressure from proving capacity: "off" admits normal work whatever the unproven backlog. */
  BACKPRESSURE: z.enum(["on", "off"]).default("on"),
  /** Liquidation trigger → L1-verified target, ms; 0 = twice the idle value (live estimates). */
  LIQ_TARGET_MS: intFromEnv(0),
  /** Proof time of one batch (witness + prove) before any is measured, ms. */
  PROOF_MS_ESTIMATE: intFromEnv(10_000),
  /** Proven → L1-verified before any is measured, ms. */
  L1_MS_ESTIMATE: intFromEnv(2_000),
  /** Signature checks and Poseidon: unset = native when it was built (npm install builds it), else wasm with a warning. */
  CRYPTO: z.enum(["native", "wasm"]).optional(),
  /**
   * Per-key tables of the native verifier (~250 kB each, least recently used dropped): a key with a
   * table verifies in about half the time. Size it to the accounts signing at once.
   */
  SIG_KEY_TABLES: intFromEnv(512),
  /**
   * "jetstream": the node follows / leads a replicated log on a NATS JetStream cluster (docs/REPLICATION.md)
   * and acknowledges only what a quorum of it stored; "off": a single sequencer on its local WAL.
   */
  REPLICATION: z.enum(["off", "jetstream"]).default("off"),
  /**
   * "on": an empty DATA_DIR is seeded from L1 alone (the last verified state rebuilt from calldata,
   * node/sequencer/seed-from-l1.ts) instead of starting at genesis. A dir with data starts from it.
   */
  FROM_L1: z.enum(["off", "on"]).default("off"),
  /** The log cluster's members, comma-separated. */
  NATS_URLS: z.string().default("nats://127.0.0.1:4222"),
  /** Names the log stream and the lease bucket; every node of one rollup uses the same. Default: from ROLLUP_ADDRESS. */
  LOG_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .optional(),
  LOG_REPLICAS: intFromEnv(3),
  /** The leader lease's time to live: a standby takes over this long after the leader stops renewing. */
  LEASE_TTL_MS: intFromEnv(1_500),
  /** This node's name in the lease. Default: its API port. */
  NODE_ID: z.string().min(1).optional(),
  /** Where clients reach this node's API (a follower tells clients the leader's). Default: http://API_HOST:API_PORT. */
  PUBLIC_URL: z.string().url().optional(),
  /** The other nodes' API URLs, comma-separated: the dashboard shows each one's role and epoch (docs/DASHBOARD.md). */
  PEER_URLS: z.string().optional(),
  /** Signature-check worker threads (docs/ORDER-ENTRY.md); unset = one per core, 0 = in the API's thread. */
  VERIFY_THREADS: z.coerce.number().int().nonnegative().optional(),
});

export type SequencerConfig = Readonly<z.infer<typeof sequencerSchema>>;

export const loadSequencerConfig = (over: Env = {}) =>
  parseConfig(sequencerSchema, withEnv(over), "sequencer");
