/**
 * What must hold after every fault, once the system has recovered (issue 11):
 * - every acknowledged order is in the leader's state (its account's nonce reached the acked nonce:
 *   nonces are consumed one by one and only by applying the owner's signed tx);
 * - L1's `stateRoot()` is the root the sequencer recorded for L1's last verified batch;
 * - cash is conserved (the conserved total moved by exactly the L1 deposits applied since the start)
 *   and Σ size = 0 in every market, with the engine's own index check clean;
 * - no batch was verified twice on L1 (BatchVerified: each batch once, 1, 2, 3, … in order), and no
 *   sequence number was used twice (the leader's trace is strictly increasing).
 */
import { parseAbiItem } from "viem";
import { createL1Clients } from "../l1/clients.ts";
import { rollupAbi } from "../l1/rollup-abi.ts";

export interface InvariantResult {
  name: string;
  ok: boolean;
  detail: string;
}

export interface AuditJson {
  role: string;
  epoch: number;
  nextSeq: string;
  conservedTotal: string;
  depositsApplied: string;
  sizeSums: string[];
  indexProblems: string[];
}

export interface Baseline {
  conservedTotal: bigint;
  depositsApplied: bigint;
}

export interface CheckContext {
  apiUrl: string;
  l1RpcUrl: string;
  rollup: `0x${string}`;
  baseline: Baseline;
  highestAcked: Map<number, bigint>;
}

const depositEvent = parseAbiItem(
  "event Deposit(uint256 indexed index, uint256 pubKeyX, uint256 pubKeyY, uint256 amount, uint256 depositHash)",
);
const verifiedEvent = parseAbiItem("event BatchVerified(uint256 indexed batch, uint256 newRoot)");

async function getJson<T>(url: string): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

export async function readAudit(apiUrl: string): Promise<AuditJson> {
  return getJson<AuditJson>(`${apiUrl}/audit`);
}

/** Orders acknowledged but missing from the leader's state, per account (the lost-order total). */
export async function lostAcks(apiUrl: string, highest: Map<number, bigint>): Promise<number> {
  let lost = 0;
  for (const [id, nonce] of highest) {
    const a = await getJson<{ leaf: { nonce: string } }>(`${apiUrl}/accounts/${id}`);
    const have = BigInt(a.leaf.nonce);
    if (have < nonce) lost += Number(nonce - have);
  }
  return lost;
}

export async function checkInvariants(c: CheckContext): Promise<InvariantResult[]> {
  const out: InvariantResult[] = [];
  const lost = await lostAcks(c.apiUrl, c.highestAcked);
  out.push({
    name: "acked orders in the leader's state",
    ok: lost === 0,
    detail: `${lost} acknowledged orders missing over ${c.highestAcked.size} accounts`,
  });

  const { publicClient } = createL1Clients({ rpcUrl: c.l1RpcUrl });
  const [l1Root, l1Last] = await Promise.all([
    publicClient.readContract({ address: c.rollup, abi: rollupAbi, functionName: "stateRoot" }),
    publicClient.readContract({ address: c.rollup, abi: rollupAbi, functionName: "lastVerifiedBatch" }),
  ]);
  let recorded = "none";
  if (l1Last > 0n) {
    const rec = await getJson<{ newStateRoot: string }>(`${c.apiUrl}/batches/${l1Last}`);
    recorded = BigInt(rec.newStateRoot).toString(16);
  }
  out.push({
    name: "L1 root is the sequencer's root of the last verified batch",
    ok: l1Last === 0n || recorded === l1Root.toString(16),
    detail: `L1 batch ${l1Last} root 0x${l1Root.toString(16).slice(0, 12)}…, recorded 0x${recorded.slice(0, 12)}…`,
  });

  const audit = await readAudit(c.apiUrl);
  const deposits = await publicClient.getLogs({
    address: c.rollup,
    event: depositEvent,
    fromBlock: 0n,
    toBlock: "latest",
  });
  const applied = BigInt(audit.depositsApplied);
  let deposited = 0n;
  for (const d of deposits) {
    const i = d.args.index ?? -1n;
    if (i >= c.baseline.depositsApplied && i < applied) deposited += d.args.amount ?? 0n;
  }
  const moved = BigInt(audit.conservedTotal) - c.baseline.conservedTotal;
  out.push({
    name: "cash conserved",
    ok: moved === deposited,
    detail: `conserved total moved ${moved}, deposits applied since the start ${deposited}`,
  });
  const nonZero = audit.sizeSums.filter((s) => BigInt(s) !== 0n);
  out.push({
    name: "Σ size = 0 per market, indexes consistent",
    ok: nonZero.length === 0 && audit.indexProblems.length === 0,
    detail: `size sums [${audit.sizeSums.join(", ")}]; ${audit.indexProblems.length} index problems${
      audit.indexProblems.length ? `: ${audit.indexProblems.slice(0, 3).join("; ")}` : ""
    }`,
  });

  const verified = await publicClient.getLogs({
    address: c.rollup,
    event: verifiedEvent,
    fromBlock: 0n,
    toBlock: "latest",
  });
  const batches = verified.map((v) => v.args.batch ?? 0n);
  const inOrder = batches.every((b, i) => b === BigInt(i + 1));
  out.push({
    name: "no batch verified twice",
    ok: inOrder && BigInt(batches.length) === l1Last,
    detail: `${batches.length} BatchVerified events for ${l1Last} batches${inOrder ? "" : ", out of order or repeated"}`,
  });

  const trace = await getJson<{ rows: { seq: string }[] }>(`${c.apiUrl}/trace?fromSeq=0&limit=20000`);
  let dup = 0;
  for (let i = 1; i < trace.rows.length; i++)
    if (BigInt(trace.rows[i]!.seq) <= BigInt(trace.rows[i - 1]!.seq)) dup++;
  out.push({
    name: "no sequence number used twice",
    ok: dup === 0,
    detail: `${trace.rows.length} traced txs, ${dup} out of order or repeated`,
  });
  return out;
}

export function baselineOf(a: AuditJson): Baseline {
  return { conservedTotal: BigInt(a.conservedTotal), depositsApplied: BigInt(a.depositsApplied) };
}
