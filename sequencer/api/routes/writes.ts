import type { FastifyInstance } from "fastify";
import { toJsonSafe } from "../../codec.ts";
import { verifyMessage } from "../../crypto/keys.ts";
import {
  cancelMessage,
  orderMessage,
  priceMessage,
  transferMessage,
  withdrawalMessage,
} from "../../crypto/messages.ts";
import type { EngineTx } from "../../engine/types.ts";
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

/** Checked before anything is queued: a bad signature must not cost the sequencer a lane slot. */
function requireAccountSignature(seq: Sequencer, accountId: number, msg: bigint, sig: Sig): void {
  if (accountId >= seq.engine.accountCount()) {
    throw new NotFoundError("UNKNOWN_ACCOUNT", `account ${accountId} does not exist; deposit on L1 first`, {
      details: { accountId },
    });
  }
  const { pubKeyX, pubKeyY } = seq.engine.account(accountId)!;
  if (!verifyMessage(msg, sig, [pubKeyX, pubKeyY])) throw new BadSignatureError();
}

export function registerWriteRoutes(app: FastifyInstance, d: WriteRouteDeps): void {
  const { sequencer } = d;
  const now = d.now ?? Date.now;
  // The proof ops stay with the batcher: they carry other accounts' order terms (a maker's nonce, cap).
  const run = async (lane: "normal" | "liquidation", tx: EngineTx) => {
    const { ops: _ops, ...result } = await sequencer.submit(lane, tx);
    return toJsonSafe(result);
  };

  app.post("/orders", async (req) => {
    const b = orderBody.parse(req.body);
    const order = {
      accountId: b.accountId,
      nonce: b.nonce,
      marketId: b.marketId,
      side: b.side,
      type: b.type,
      tif: b.tif,
      price: b.price ?? 0n,
      size: b.size,
    };
    requireAccountSignature(sequencer, b.accountId, orderMessage(order), b.signature);
    return run("normal", { kind: "order", ...order });
  });

  app.post("/cancels", async (req) => {
    const b = cancelBody.parse(req.body);
    const c = { accountId: b.accountId, nonce: b.nonce, marketId: b.marketId, orderId: b.orderId };
    requireAccountSignature(sequencer, b.accountId, cancelMessage(c), b.signature);
    return run("normal", { kind: "cancel", ...c });
  });

  app.post("/withdrawals", async (req) => {
    const b = withdrawalBody.parse(req.body);
    const w = { accountId: b.accountId, nonce: b.nonce, amount: b.amount, l1Address: BigInt(b.l1Address) };
    requireAccountSignature(sequencer, b.accountId, withdrawalMessage(w), b.signature);
    return run("normal", { kind: "withdrawal", ...w });
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
    requireAccountSignature(sequencer, b.accountId, transferMessage(t), b.signature);
    return run("normal", { kind: "transfer", ...t });
  });

  // Oracle prices share the liquidation lane: a price is what makes accounts liquidatable. Only the
  // keeper's key signs prices; nowMs is ours, outside the signed message and not accepted from the body.
  app.post("/prices", async (req) => {
    const b = priceBody.parse(req.body);
    const p = { marketId: b.marketId, price: b.price, timestampMs: b.timestampMs };
    if (!verifyMessage(priceMessage(p), b.signature, d.keeperPubKey)) throw new BadSignatureError();
    return run("liquidation", { kind: "price", ...p, nowMs: BigInt(Math.floor(now())) });
  });
}
