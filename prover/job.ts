/** What a proof job carries through Redis. Bigints travel as decimal strings. */
export interface ProveJobData {
  batchNumber: string;
  instance: string;
  /** The circuit build hash the witness was made for; a worker with other artifacts refuses the job. */
  circuitHash: string;
  publicHash: string;
  input: Record<string, unknown>;
  /** Wall-clock ms when the batch was sealed, for queue-latency metrics. */
  sealedAt: number;
}

export interface ProveJobResult {
  batchNumber: string;
  /** [a0, a1, b00, b01, b10, b11, c0, c1], in the order the Solidity verifier takes them. */
  proof: string[];
  publicSignals: string[];
  proverId: string;
  witnessMs: number;
  provingMs: number;
  /** Which engine made the proof (PROVER): "native" or "snarkjs". */
  engine?: "native" | "snarkjs";
  /** Which witness engine computed the witness (WITNESS): "native" or "wasm". */
  witnessEngine?: "native" | "wasm";
  /** Native engine: peak resident set of the proving process so far, kB. */
  peakRssKb?: number;
}

export const JOB_NAME = "prove";

/** BullMQ: lower number = served first; every job gets an explicit priority so the order is total. */
export const PRIORITY = { liquidation: 1, normal: 10 } as const;
