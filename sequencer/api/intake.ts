/**
 * The one admission path for signed writes, shared by the HTTP routes (one request each) and the
 * order-entry WebSocket (many per frame), so both give the same answers and the same error codes.
 *
 * Admission is three steps, split so a frame can batch the expensive middle one:
 *   1. `prepare`: zod-parse the body, build the engine tx, find the signing key, hash the message.
 *      Synchronous; throws the same typed errors the HTTP API maps to 4xx.
 *   2. the signature check (the verify pool, or in-thread): a bad signature must not cost the
 *      sequencer a lane slot, so it comes before anything is queued.
 *   3. `admit`: hand the tx and its signature to the sequencer. Synchronous up to the queue push, so
 *      calls made in order are queued in that order.
 */
import { toJsonSafe } from "../codec.ts";
import type { Signature } from "../crypto/eddsa.ts";
import { verifyMessage } from "../crypto/keys.ts";
import { poseidon } from "../crypto/poseidon.ts";
import type { SignatureFields } from "../crypto/signature-json.ts";
import type { Verdict, VerifyPool } from "../crypto/verify-pool.ts";
import type { EngineTx } from "../engine/types.ts";
import type { LaneName } from "../mempool/lanes.ts";
import { rememberMessageHash } from "../proof/messages.ts";
import { signedPreimageOf } from "../proof/signed-message.ts";
import type { Sequencer } from "../sequencer.ts";
import { BadSignatureError, NotFoundError } from "./http-errors.ts";
import { cancelBody, orderBody, priceBody, transferBody, withdrawalBody } from "./schemas.ts";
import type { WriteKind } from "./write-kinds.ts";

export type { WriteKind } from "./write-kinds.ts";

export interface IntakeDeps {
  sequencer: Sequencer;
  keeperPubKey: readonly [bigint, bigint];
  /** The sequencer's clock (ms): stamps receive times on prices. */
  now: () => number;
}

/** A parsed write, ready for its signature check (a VerifyItem: the check hashes the preimage). */
export interface PreparedWrite {
  lane: LaneName;
  tx: EngineTx;
  /** What the signature covers, unhashed (`signedPreimageOf(tx)`): hashing is left to the check. */
  preimage: bigint[];
  sig: SignatureFields;
  pubKey: readonly [bigint, bigint];
}

export type AdmitResult = Record<string, unknown>;

function accountKey(seq: Sequencer, accountId: number): readonly [bigint, bigint] {
  if (accountId >= seq.engine.accountCount()) {
    throw new NotFoundError("UNKNOWN_ACCOUNT", `account ${accountId} does not exist; deposit on L1 first`, {
      details: { accountId },
    });
  }
  const { pubKeyX, pubKeyY } = seq.engine.account(accountId)!;
  return [pubKeyX, pubKeyY];
}

function signedBy(d: IntakeDeps, accountId: number, tx: EngineTx, sig: SignatureFields): PreparedWrite {
  const pubKey = accountKey(d.sequencer, accountId);
  // Shed before the signature check: under a burst most requests are shed, and a 503 that costs a
  // Poseidon hash and a verify each takes the CPU the provers need to clear the backlog. The
  // sequencer checks again when it queues the tx; this one only makes the refusal cheap.
  d.sequencer.admission?.check();
  return { lane: "normal", tx, preimage: signedPreimageOf(tx)!, sig, pubKey };
}

/** Step 1. Throws ZodError (BAD_REQUEST) or NotFoundError (UNKNOWN_ACCOUNT), as the HTTP API does. */
export function prepare(d: IntakeDeps, kind: WriteKind, body: unknown): PreparedWrite {
  // A follower answers before any parsing or signature work: the client's next try goes to the leader.
  d.sequencer.assertLeader();
  switch (kind) {
    case "order": {
      const b = orderBody.parse(body);
      const tx: EngineTx = {
        kind: "order",
        accountId: b.accountId,
        nonce: b.nonce,
        marketId: b.marketId,
        side: b.side,
        type: b.type,
        tif: b.tif,
        price: b.price ?? 0n,
        size: b.size,
        maxFeeBps: b.maxFeeBps,
        expiryMs: b.expiryMs,
      };
      return signedBy(d, b.accountId, tx, b.signature);
    }
    case "cancel": {
      const b = cancelBody.parse(body);
      const c = { accountId: b.accountId, nonce: b.nonce, marketId: b.marketId, orderId: b.orderId };
      return signedBy(d, b.accountId, { kind: "cancel", ...c }, b.signature);
    }
    case "withdrawal": {
      const b = withdrawalBody.parse(body);
      const w = { accountId: b.accountId, nonce: b.nonce, amount: b.amount, l1Address: BigInt(b.l1Address) };
      return signedBy(d, b.accountId, { kind: "withdrawal", ...w }, b.signature);
    }
    case "transfer": {
      // Between accounts of one key: to fund or drain an isolated sub-account (isolated margin).
      const b = transferBody.parse(body);
      const t = {
        accountId: b.accountId,
        nonce: b.nonce,
        amount: b.amount,
        ...(b.to === undefined ? {} : { to: b.to }),
        ...(b.isolatedMarket === undefined ? {} : { isolatedMarket: b.isolatedMarket }),
      };
      return signedBy(d, b.accountId, { kind: "transfer", ...t }, b.signature);
    }
    case "price": {
      // Oracle prices share the liquidation lane: a price is what makes accounts liquidatable. Only the
      // keeper's key signs prices; nowMs is ours, outside the signed message and not accepted from the body.
      const b = priceBody.parse(body);
      const tx: EngineTx = {
        kind: "price",
        marketId: b.marketId,
        price: b.price,
        timestampMs: b.timestampMs,
        nowMs: BigInt(Math.floor(d.now())),
      };
      const preimage = signedPreimageOf(tx)!;
      return { lane: "liquidation", tx, preimage, sig: b.signature, pubKey: d.keeperPubKey };
    }
  }
}

/** Step 2 for one write: in the pool (batched with this tick's others), else here. */
export function checkOne(pool: VerifyPool | undefined, p: PreparedWrite): Promise<Verdict> | Verdict {
  if (pool) return pool.check(p);
  const msg = poseidon(p.preimage);
  return { ok: verifyMessage(msg, p.sig, p.pubKey), msg };
}

/** Step 2 for many: one batch in the pool, else here. One verdict per write, in order. */
export function checkMany(pool: VerifyPool | undefined, ps: PreparedWrite[]): Promise<Verdict[]> | Verdict[] {
  if (ps.length === 0) return [];
  if (pool) return pool.checkMany(ps);
  return ps.map((p) => checkOne(undefined, p) as Verdict);
}

/**
 * Step 3, after the signature check: queues the tx now (so calls in order queue in order) and resolves
 * once it is applied and durable. A failed check throws BadSignatureError here, before anything queues.
 */
export function admit(d: IntakeDeps, p: PreparedWrite, v: Verdict): Promise<AdmitResult> {
  if (!v.ok || v.msg === undefined) return Promise.reject(new BadSignatureError());
  // Filing the hash spares the sequencer, the proof needs and the witness a Poseidon(11) each.
  rememberMessageHash(p.preimage, v.msg);
  const sig: Signature = { R8: [p.sig.r8x, p.sig.r8y], S: p.sig.s };
  // The proof ops stay with the batcher: they carry other accounts' order terms (a maker's nonce, cap).
  return d.sequencer.submit(p.lane, p.tx, sig).then(({ ops: _ops, ...result }) => {
    return toJsonSafe(result) as AdmitResult;
  });
}
