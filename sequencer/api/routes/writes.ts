import type { FastifyInstance } from "fastify";
import { toJsonSafe } from "../../codec.ts";
import type { Signature } from "../../crypto/eddsa.ts";
import { verifyMessage } from "../../crypto/keys.ts";
import { signatureFromJson } from "../../crypto/signature-json.ts";
import type { EngineTx } from "../../engine/types.ts";
import { signedMessageOf } from "../../proof/signed-message.ts";
import type { Sequencer } from "../../sequencer.ts";
import { BadSignatureError, NotFoundError } from "../http-errors.ts";
import { cancelBody, orderBody, priceBody, transferBody, withdrawalBody } from "../schemas.ts";
import type { ApiDeps } from "../server.ts";

type Sig = { r8x: bigint; r8y: bigint; s: bigint };

/**
 * `now` is the sequencer's clock (ms). A price is stamped with it on receipt so the engine judges
 * freshness at receive time and a WAL replay judges it the same way. Date.now, like the sequencer's
 * default clock, unless injected.
 */
export type WriteRouteDeps = ApiDeps;

/**
 * Checked before anything is queued: a bad signature must not cost the sequencer a lane slot. The
 * message is the one the proof checks (`signedMessageOf`); the signature goes on with the tx.
 */
function requireSignature(tx: EngineTx, sig: Sig, key: readonly [bigint, bigint]): Signature {
  const msg = signedMessageOf(tx);
  if (msg === undefined || !verifyMessage(msg, sig, key)) throw new BadSignatureError();
  return signatureFromJson(sig);
}

function accountKey(seq: Sequencer, accountId: number): [bigint, bigint] {
  if (accountId >= seq.engine.accountCount()) {
    throw new NotFoundError("UNKNOWN_ACCOUNT", `account ${accountId} does not exist; deposit on L1 first`, {
      details: { accountId },
    });
  }
  const { pubKeyX, pubKeyY } = seq.engine.account(accountId)!;
  return [pubKeyX, pubKeyY];
}

export function registerWriteRoutes(app: FastifyInstance, d: WriteRouteDeps): void {
  const { sequencer } = d;
  const now = d.now ?? Date.now;
  // The proof ops stay with the batcher: they carry other accounts' order terms (a maker's nonce, cap).
  const run = async (lane: "normal" | "liquidation", tx: EngineTx, sig: Signature) => {
    const { ops: _ops, ...result } = await sequencer.submit(lane, tx, sig);
    return toJsonSafe(result);
  };
  const signed = (accountId: number, tx: EngineTx, sig: Sig) =>
    run("normal", tx, requireSignature(tx, sig, accountKey(sequencer, accountId)));

  app.post("/orders", async (req) => {
    const b = orderBody.parse(req.body);
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
    return signed(b.accountId, tx, b.signature);
  });

  app.post("/cancels", async (req) => {
    const b = cancelBody.parse(req.body);
    const c = { accountId: b.accountId, nonce: b.nonce, marketId: b.marketId, orderId: b.orderId };
    return signed(b.accountId, { kind: "cancel", ...c }, b.signature);
  });

  app.post("/withdrawals", async (req) => {
    const b = withdrawalBody.parse(req.body);
    const w = { accountId: b.accountId, nonce: b.nonce, amount: b.amount, l1Address: BigInt(b.l1Address) };
    return signed(b.accountId, { kind: "withdrawal", ...w }, b.signature);
  });

  // Between accounts of one key: to fund or drain an isolated sub-account (isolated margin).
  app.post("/transfers", async (req) => {
    const b = transferBody.parse(req.body);
    const t = {
      accountId: b.accountId,
      nonce: b.nonce,
      amount: b.amount,
      ...(b.to === undefined ? {} : { to: b.to }),
      ...(b.isolatedMarket === undefined ? {} : { isolatedMarket: b.isolatedMarket }),
    };
    return signed(b.accountId, { kind: "transfer", ...t }, b.signature);
  });

  // Oracle prices share the liquidation lane: a price is what makes accounts liquidatable. Only the
  // keeper's key signs prices; nowMs is ours, outside the signed message and not accepted from the body.
  app.post("/prices", async (req) => {
    const b = priceBody.parse(req.body);
    const tx: EngineTx = {
      kind: "price",
      marketId: b.marketId,
      price: b.price,
      timestampMs: b.timestampMs,
      nowMs: BigInt(Math.floor(now())),
    };
    return run("liquidation", tx, requireSignature(tx, b.signature, d.keeperPubKey));
  });
}
