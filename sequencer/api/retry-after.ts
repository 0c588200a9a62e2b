import { ProverOverloadedError } from "../mempool/admission.ts";

/**
 * When a shed request should come back, seconds: the provers' estimate for a proving backlog, a second
 * for a full queue. HTTP sends it as Retry-After, the order-entry socket as retryAfterMs.
 */
export function retryAfterS(err: unknown): number {
  return err instanceof ProverOverloadedError ? err.retryAfterS : 1;
}
