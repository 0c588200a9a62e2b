/**
 * L1 faults through Anvil's own RPC: a submitted batch transaction that never lands. Automine is
 * switched off so the operator's next `submitBatch` waits in the pool, the harness drops it there
 * (`anvil_dropTransaction`), and mining resumes. The submitter must notice that no receipt comes and
 * send the batch again (it re-reads `lastVerifiedBatch()` and sends exactly the next one).
 */
import { BaseError } from "../../core/errors.ts";

export class L1FaultError extends BaseError {
  override name = "L1FaultError";
}

async function rpc<T>(url: string, method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
    signal: AbortSignal.timeout(5_000),
  });
  const j = (await res.json()) as { result?: T; error?: { message: string } };
  if (j.error) throw new L1FaultError("L1_RPC", `${method}: ${j.error.message}`, { details: { method } });
  return j.result as T;
}

type Pool = { pending: Record<string, Record<string, { hash: string; to: string | null }>> };

/** Drops the next transaction sent to `to`; resolves with its hash. Mining resumes whatever happens. */
export async function dropNextTxTo(rpcUrl: string, to: `0x${string}`, timeoutMs = 60_000): Promise<string> {
  await rpc(rpcUrl, "evm_setAutomine", [false]);
  try {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const pool = await rpc<Pool>(rpcUrl, "txpool_content");
      for (const byNonce of Object.values(pool.pending ?? {}))
        for (const tx of Object.values(byNonce))
          if (tx.to?.toLowerCase() === to.toLowerCase()) {
            await rpc(rpcUrl, "anvil_dropTransaction", [tx.hash]);
            return tx.hash;
          }
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new L1FaultError("L1_NO_TX", `no transaction to ${to} was sent within ${timeoutMs} ms`);
  } finally {
    await rpc(rpcUrl, "evm_setAutomine", [true]);
    // Whatever else queued while automine was off goes into a block now.
    await rpc(rpcUrl, "evm_mine").catch(() => {});
  }
}
