/**
 * The messages an L2 key signs for the Rollup itself (forced withdrawal, forced cancel-all, desert
 * exit), the TS twin of contracts/src/L1Messages.sol: the same Poseidon hashes, and signing them with
 * the account's EdDSA-Poseidon key for EdDSAPoseidon.sol to check.
 *
 * Kinds start at 101 so an L1 message never reads as an L2 one (sequencer/crypto/messages.ts uses
 * 1..5), and the rollup's address is hashed in so a signature is good for one deployment only.
 */
import { signPoseidon } from "../../sequencer/crypto/eddsa.ts";
import { poseidon } from "../../sequencer/crypto/poseidon.ts";
import { L1Error } from "./errors.ts";

export const L1_MESSAGE_KIND = { forcedWithdrawal: 101n, forcedCancelAll: 102n, exit: 103n } as const;

/** Collateral is below 2^80, so amount·2^160 + to never wraps mod p (L1Messages.MAX_AMOUNT). */
export const MAX_FORCED_AMOUNT = (1n << 80n) - 1n;

/** An EVM address as a hex string (any case). */
export type Address = `0x${string}`;

/** A signature in the form the contracts take it. */
export interface L1Signature {
  r8x: bigint;
  r8y: bigint;
  s: bigint;
}

function addressField(name: string, a: Address): bigint {
  if (!/^0x[0-9a-fA-F]{40}$/.test(a)) {
    throw new L1Error("L1_BAD_ADDRESS", `${name} is not a 20-byte address: ${a}`, { details: { [name]: a } });
  }
  return BigInt(a);
}

export function forcedWithdrawalMessage(
  rollup: Address,
  accountId: bigint,
  requestNonce: bigint,
  amount: bigint,
  to: Address,
): bigint {
  if (amount < 0n || amount > MAX_FORCED_AMOUNT) {
    throw new L1Error("L1_AMOUNT_TOO_LARGE", `a forced withdrawal of ${amount} is outside [0, 2^80)`, {
      details: { amount: amount.toString() },
    });
  }
  const packed = (amount << 160n) | addressField("to", to);
  return poseidon([
    L1_MESSAGE_KIND.forcedWithdrawal,
    addressField("rollup", rollup),
    accountId,
    requestNonce,
    packed,
  ]);
}

export function forcedCancelAllMessage(rollup: Address, accountId: bigint, requestNonce: bigint): bigint {
  return poseidon([
    L1_MESSAGE_KIND.forcedCancelAll,
    addressField("rollup", rollup),
    accountId,
    requestNonce,
    0n,
  ]);
}

export function exitMessage(rollup: Address, accountId: bigint, to: Address): bigint {
  return poseidon([
    L1_MESSAGE_KIND.exit,
    addressField("rollup", rollup),
    accountId,
    0n,
    addressField("to", to),
  ]);
}

function sign(prvKey: Uint8Array, msg: bigint): L1Signature {
  const { R8, S } = signPoseidon(prvKey, msg);
  return { r8x: R8[0], r8y: R8[1], s: S };
}

export function signForcedWithdrawal(
  prvKey: Uint8Array,
  rollup: Address,
  accountId: bigint,
  requestNonce: bigint,
  amount: bigint,
  to: Address,
): L1Signature {
  return sign(prvKey, forcedWithdrawalMessage(rollup, accountId, requestNonce, amount, to));
}

export function signForcedCancelAll(
  prvKey: Uint8Array,
  rollup: Address,
  accountId: bigint,
  requestNonce: bigint,
): L1Signature {
  return sign(prvKey, forcedCancelAllMessage(rollup, accountId, requestNonce));
}

export function signExit(prvKey: Uint8Array, rollup: Address, accountId: bigint, to: Address): L1Signature {
  return sign(prvKey, exitMessage(rollup, accountId, to));
}
