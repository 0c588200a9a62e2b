import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { SignatureFormatError } from "../../../sequencer/crypto/errors.ts";
import { FIELD_MODULUS } from "../../../sequencer/crypto/field.ts";
import { devKey, signMessage, verifyMessage } from "../../../sequencer/crypto/keys.ts";
import {
  cancelMessage,
  orderMessage,
  priceMessage,
  transferMessage,
  withdrawalMessage,
} from "../../../sequencer/crypto/messages.ts";
import { poseidon } from "../../../sequencer/crypto/poseidon.ts";
import { signatureFromJson, signatureJsonSchema } from "../../../sequencer/crypto/signature-json.ts";

const order = {
  accountId: 7,
  nonce: 3n,
  marketId: 1,
  side: "sell",
  type: "limit",
  tif: "IOC",
  price: 2_000_000_000n,
  size: 5n,
} as const;

describe("signed request messages (SPEC.md)", () => {
  it("hashes an order as Poseidon([1, accountId, nonce, marketId, side, type, tif, price, size])", () => {
    assert.equal(orderMessage(order), poseidon([1n, 7n, 3n, 1n, 1n, 0n, 1n, 2_000_000_000n, 5n]));
    const buyMarketGtc = orderMessage({ ...order, side: "buy", type: "market", tif: "GTC" });
    assert.equal(buyMarketGtc, poseidon([1n, 7n, 3n, 1n, 0n, 1n, 0n, 2_000_000_000n, 5n]));
  });

  it("hashes cancel, withdrawal and price with their kind codes 2, 3, 4", () => {
    assert.equal(
      cancelMessage({ accountId: 7, nonce: 4n, marketId: 0, orderId: 99n }),
      poseidon([2n, 7n, 4n, 0n, 99n]),
    );
    const l1 = BigInt("0x00000000000000000000000000000000000000ff");
    assert.equal(
      withdrawalMessage({ accountId: 7, nonce: 5n, amount: 10n, l1Address: l1 }),
      poseidon([3n, 7n, 5n, 10n, 255n]),
    );
    assert.equal(
      priceMessage({ marketId: 1, price: 42n, timestampMs: 1700n }),
      poseidon([4n, 1n, 42n, 1700n]),
    );
  });

  it("hashes a transfer as Poseidon([5, accountId, nonce, amount, to + 1, isolatedMarket + 1]), 0 when omitted", () => {
    assert.equal(
      transferMessage({ accountId: 7, nonce: 2n, amount: 10n, to: 0 }),
      poseidon([5n, 7n, 2n, 10n, 1n, 0n]),
    );
    assert.equal(
      transferMessage({ accountId: 7, nonce: 2n, amount: 10n, isolatedMarket: 0 }),
      poseidon([5n, 7n, 2n, 10n, 0n, 1n]),
    );
    // "To account 0" and "open a sub-account for market 0" must not share a signature.
    assert.notEqual(
      transferMessage({ accountId: 7, nonce: 2n, amount: 10n, to: 0 }),
      transferMessage({ accountId: 7, nonce: 2n, amount: 10n, isolatedMarket: 0 }),
    );
  });

  it("gives different hashes to requests that differ in any one field", () => {
    const base = orderMessage(order);
    assert.notEqual(orderMessage({ ...order, nonce: 4n }), base);
    assert.notEqual(orderMessage({ ...order, side: "buy" }), base);
    assert.notEqual(orderMessage({ ...order, size: 6n }), base);
  });
});

describe("dev keys and JSON signatures", () => {
  it("derives the same key from the same seed and different keys from different seeds", () => {
    assert.deepEqual(devKey("alice"), devKey("alice"));
    assert.notDeepEqual(devKey("alice").pubKey, devKey("bob").pubKey);
  });

  it("verifies its own JSON signature, also when the API has parsed it into bigints", () => {
    const { prv, pubKey } = devKey("alice");
    const msg = orderMessage(order);
    const sig = signMessage(prv, msg);
    assert.match(sig.r8x, /^[0-9]+$/);
    assert.equal(verifyMessage(msg, sig, pubKey), true);
    assert.equal(
      verifyMessage(msg, { r8x: BigInt(sig.r8x), r8y: BigInt(sig.r8y), s: BigInt(sig.s) }, pubKey),
      true,
    );
  });

  it("rejects the signature under another key, another message, or a malformed form", () => {
    const { prv, pubKey } = devKey("alice");
    const msg = priceMessage({ marketId: 0, price: 1n, timestampMs: 2n });
    const sig = signMessage(prv, msg);
    assert.equal(verifyMessage(msg, sig, devKey("bob").pubKey), false);
    assert.equal(verifyMessage(msg + 1n, sig, pubKey), false);
    assert.equal(verifyMessage(msg, { ...sig, s: "0x12" }, pubKey), false);
    assert.equal(verifyMessage(msg, { ...sig, s: "-1" }, pubKey), false);
  });

  it("accepts coordinates above 2^253 in the JSON schema but nothing at or above p", () => {
    const big = ((1n << 253n) + 1n).toString();
    assert.equal(signatureJsonSchema.safeParse({ r8x: big, r8y: "1", s: "0" }).success, true);
    assert.equal(
      signatureJsonSchema.safeParse({ r8x: FIELD_MODULUS.toString(), r8y: "1", s: "0" }).success,
      false,
    );
    assert.throws(() => signatureFromJson({ r8x: "01", r8y: "1", s: "0" }), SignatureFormatError);
  });
});
