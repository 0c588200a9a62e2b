/**
 * The data a Batch2 batch publishes on L1 (docs/SPEC.md "Published batch data"): the new global
 * fields, one record per account slot the batch changed and one per order the batch wrote into an
 * order-fill tree, packed into 31-byte words that are public inputs of the proof. The circuit
 * (circuits/src/batch-data.circom) computes the same words from the state change, so a batch whose
 * words differ by one bit has no proof, and anyone can rebuild the state from L1 calldata alone
 * (node/reconstruct).
 *
 * Packing: a group is a list of fields with byte widths, laid out greedily into words of 31 bytes,
 * big-endian (the first field in the most significant bytes); a field never straddles two words,
 * and each group starts on a new word. Signed fields are published with an offset (x + 2^(8w−1)),
 * so every field is a non-negative integer below 2^(8w). The groups, in order:
 *   1. global: per market [index 5, mark 5, fundingIndex 8, openInterest 6, priceTime 6,
 *      fundingTime 6], then [insuranceFund 10, feePool 10] (the keeper key never changes);
 *   2. N account records, one group each: [tag 1, keyFrom 1, index ⌈D/8⌉, nonce 4, collateral 10,
 *      (size 6, entryNotional 12) × M]; tag = 1 + Σ_m 2^(1+m)·(snapshot_m moved to F_m); an
 *      unchanged slot is all zeros. keyFrom: 0 the key is the old one, 1 + j the old key of slot
 *      j < i, 1 + N + k the key of the batch's deposit k. The fill tree root is not published: it
 *      follows from the order records;
 *   3. one group of S order records: [tag 1 (1 = an order), accountId ⌈D/8⌉, nonce 4, filled 7]:
 *      the entry Poseidon(nonce, filled) the batch wrote at slot nonce mod 2^K of the account's
 *      order-fill tree; a message slot that holds no order is all zeros.
 */
import { StateError } from "../state/errors.ts";
import { fromFieldSigned, toField } from "../state/field.ts";

/** Payload bytes per word: 248 bits stay below the BN254 field modulus. */
export const WORD_BYTES = 31;

export interface DataShape {
  D: number;
  N: number;
  M: number;
  S: number;
  ND: number;
}

export interface DataLayout extends DataShape {
  globalWidths: number[];
  accountWidths: number[];
  orderWidths: number[];
  globalWords: number;
  accountWords: number;
  orderWords: number;
  /** Public data words per batch: globalWords + N·accountWords + orderWords. */
  words: number;
}

export interface AccountRecord {
  index: number;
  /** 0: old key; 1 + j: old key of slot j < this one; 1 + N + k: deposit k's key. */
  keyFrom: number;
  nonce: bigint;
  collateral: bigint;
  sizes: bigint[];
  entries: bigint[];
  /** Per market: the funding snapshot moved to the market's new funding index. */
  snapshotToF: boolean[];
}

export interface OrderRecord {
  accountId: number;
  nonce: bigint;
  filled: bigint;
}

export interface BatchData {
  /** 6M + 2 fields: per market [index, mark, F, openInterest, priceTime, fundingTime], fund, pool. */
  global: bigint[];
  /** Length N: the record of each account slot, null where the slot changed nothing. */
  accounts: (AccountRecord | null)[];
  /** Length S: the record of each message slot, null where it holds no order. */
  orders: (OrderRecord | null)[];
}

const MARKET_WIDTHS = [5, 5, 8, 6, 6, 6];
const MARKET_SIGNED = [false, false, true, false, false, false];

/** Words a group of fields takes when packed greedily (fields never straddle a word). */
export function packedWords(widths: readonly number[]): number {
  let words = 0;
  let pos = WORD_BYTES;
  for (const w of widths) {
    if (w > WORD_BYTES) throw new StateError("STATE_BAD_BATCH_DATA", `field of ${w} bytes exceeds a word`);
    if (pos + w > WORD_BYTES) {
      words++;
      pos = 0;
    }
    pos += w;
  }
  return words;
}

export function dataLayout(s: DataShape): DataLayout {
  const idx = Math.ceil(s.D / 8);
  const globalWidths = [...Array.from({ length: s.M }, () => MARKET_WIDTHS).flat(), 10, 10];
  const accountWidths = [1, 1, idx, 4, 10, ...Array.from({ length: s.M }, () => [6, 12]).flat()];
  const orderWidths = Array.from({ length: s.S }, () => [1, idx, 4, 7]).flat();
  const globalWords = packedWords(globalWidths);
  const accountWords = packedWords(accountWidths);
  const orderWords = packedWords(orderWidths);
  return {
    D: s.D,
    N: s.N,
    M: s.M,
    S: s.S,
    ND: s.ND,
    globalWidths,
    accountWidths,
    orderWidths,
    globalWords,
    accountWords,
    orderWords,
    words: globalWords + s.N * accountWords + orderWords,
  };
}

/**
 * Greedy big-endian packing of non-negative fields, each below 2^(8·width). `lenient` cuts a field
 * that does not fit to its width instead of refusing it: for hostile test batches, whose circuit
 * witness must reach the rule they break (checked before the data) rather than stop here.
 */
export function packFields(values: readonly bigint[], widths: readonly number[], lenient = false): bigint[] {
  if (values.length !== widths.length)
    throw new StateError("STATE_BAD_BATCH_DATA", "one value per field width", {
      details: { values: values.length, widths: widths.length },
    });
  const words: bigint[] = [];
  let pos = WORD_BYTES;
  values.forEach((value, f) => {
    let v = value;
    const w = widths[f] as number;
    if (lenient) v = ((v % (1n << BigInt(8 * w))) + (1n << BigInt(8 * w))) % (1n << BigInt(8 * w));
    if (v < 0n || v >= 1n << BigInt(8 * w))
      throw new StateError("STATE_BAD_BATCH_DATA", `field ${f} does not fit its ${w} bytes`, {
        details: { field: f, value: v.toString(), bytes: w },
      });
    if (pos + w > WORD_BYTES) {
      words.push(0n);
      pos = 0;
    }
    pos += w;
    words[words.length - 1] = (words[words.length - 1] as bigint) + (v << BigInt(8 * (WORD_BYTES - pos)));
  });
  return words;
}

export function unpackFields(words: readonly bigint[], widths: readonly number[]): bigint[] {
  const out: bigint[] = [];
  let word = -1;
  let pos = WORD_BYTES;
  for (const w of widths) {
    if (pos + w > WORD_BYTES) {
      word++;
      pos = 0;
    }
    pos += w;
    const x = words[word];
    if (x === undefined) throw new StateError("STATE_BAD_BATCH_DATA", "batch data ends inside a group");
    out.push((x >> BigInt(8 * (WORD_BYTES - pos))) & ((1n << BigInt(8 * w)) - 1n));
  }
  return out;
}

const offset = (bytes: number) => 1n << BigInt(8 * bytes - 1);
const signedIn = (x: bigint, bytes: number) => fromFieldSigned(x) + offset(bytes);
const signedOut = (x: bigint, bytes: number) => x - offset(bytes);

function accountValues(l: DataLayout, r: AccountRecord | null): bigint[] {
  if (!r) return l.accountWidths.map(() => 0n);
  const tag = r.snapshotToF.reduce((t, moved, m) => t + (moved ? 1n << BigInt(1 + m) : 0n), 1n);
  const v = [tag, BigInt(r.keyFrom), BigInt(r.index), r.nonce, r.collateral];
  for (let m = 0; m < l.M; m++)
    v.push(signedIn(r.sizes[m] as bigint, 6), signedIn(r.entries[m] as bigint, 12));
  return v;
}

function globalValues(l: DataLayout, g: readonly bigint[]): bigint[] {
  if (g.length !== 6 * l.M + 2)
    throw new StateError("STATE_BAD_BATCH_DATA", `global record has ${g.length} fields, not ${6 * l.M + 2}`);
  return g.map((x, f) => {
    const inMarket = f < 6 * l.M;
    const w = inMarket ? (MARKET_WIDTHS[f % 6] as number) : 10;
    return inMarket && MARKET_SIGNED[f % 6] ? signedIn(x, w) : toField(x);
  });
}

/** The public data words of a batch (layout above); `lenient` as packFields. */
export function encodeBatchData(l: DataLayout, d: BatchData, lenient = false): bigint[] {
  if (d.accounts.length !== l.N || d.orders.length !== l.S)
    throw new StateError(
      "STATE_BAD_BATCH_DATA",
      "one account record per slot and one order record per message",
      {
        details: { accounts: d.accounts.length, N: l.N, orders: d.orders.length, S: l.S },
      },
    );
  const words = packFields(globalValues(l, d.global), l.globalWidths, lenient);
  for (const a of d.accounts) words.push(...packFields(accountValues(l, a), l.accountWidths, lenient));
  const orders = d.orders.flatMap((o) =>
    o ? [1n, BigInt(o.accountId), o.nonce, o.filled] : [0n, 0n, 0n, 0n],
  );
  words.push(...packFields(orders, l.orderWidths, lenient));
  return words;
}

/** Parses encodeBatchData's words; a tag that is not one the circuit can produce is an error. */
export function decodeBatchData(l: DataLayout, words: readonly bigint[]): BatchData {
  if (words.length !== l.words)
    throw new StateError("STATE_BAD_BATCH_DATA", `batch data has ${words.length} words, not ${l.words}`, {
      details: { words: words.length, expected: l.words },
    });
  let at = 0;
  const take = (n: number) => {
    const w = words.slice(at, at + n);
    at += n;
    return w;
  };
  const g = unpackFields(take(l.globalWords), l.globalWidths).map((x, f) => {
    const inMarket = f < 6 * l.M;
    return inMarket && MARKET_SIGNED[f % 6] ? signedOut(x, MARKET_WIDTHS[f % 6] as number) : x;
  });
  const accounts: (AccountRecord | null)[] = [];
  for (let i = 0; i < l.N; i++) {
    const v = unpackFields(take(l.accountWords), l.accountWidths);
    const tag = v[0] as bigint;
    if (tag === 0n) {
      if (v.some((x) => x !== 0n))
        throw new StateError("STATE_BAD_BATCH_DATA", `account record ${i} is not empty but has tag 0`);
      accounts.push(null);
      continue;
    }
    if ((tag & 1n) !== 1n || tag >> BigInt(1 + l.M) !== 0n)
      throw new StateError("STATE_BAD_BATCH_DATA", `account record ${i} has tag ${tag}`);
    accounts.push({
      index: Number(v[2]),
      keyFrom: Number(v[1]),
      nonce: v[3] as bigint,
      collateral: v[4] as bigint,
      sizes: Array.from({ length: l.M }, (_, m) => signedOut(v[5 + 2 * m] as bigint, 6)),
      entries: Array.from({ length: l.M }, (_, m) => signedOut(v[6 + 2 * m] as bigint, 12)),
      snapshotToF: Array.from({ length: l.M }, (_, m) => ((tag >> BigInt(1 + m)) & 1n) === 1n),
    });
  }
  const ov = unpackFields(take(l.orderWords), l.orderWidths);
  const orders: (OrderRecord | null)[] = [];
  for (let j = 0; j < l.S; j++) {
    const [tag, accountId, nonce, filled] = ov.slice(4 * j, 4 * j + 4) as [bigint, bigint, bigint, bigint];
    if (tag === 0n) {
      if (accountId !== 0n || nonce !== 0n || filled !== 0n)
        throw new StateError("STATE_BAD_BATCH_DATA", `order record ${j} is not empty but has tag 0`);
      orders.push(null);
    } else if (tag === 1n) orders.push({ accountId: Number(accountId), nonce, filled });
    else throw new StateError("STATE_BAD_BATCH_DATA", `order record ${j} has tag ${tag}`);
  }
  return { global: g, accounts, orders };
}

/** Calldata bytes the data words of a batch take (32 per word, as the verifier reads them). */
export function dataBytes(l: DataLayout): number {
  return 32 * l.words;
}
