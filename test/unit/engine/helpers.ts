import {
  Engine,
  type EngineGenesis,
  type EngineParamsInput,
  type EngineTx,
} from "../../../sequencer/engine/index.ts";

export type RiskInput = NonNullable<EngineParamsInput["risk"]>;

/** Round numbers so expected values can be worked by hand: tick 1, 10%/5% margin, 10/5 bps fees. */
export function testParams(overrides: Partial<EngineParamsInput> = {}, markets = 1): EngineParamsInput {
  return {
    markets: Array.from({ length: markets }, (_, i) => ({
      name: `M${i}`,
      tickSize: 1n,
      minOrderSize: 1n,
      maxOrderSize: 1_000_000n,
      maxPrice: 1_000_000_000n,
      imfBps: 1_000,
      mmfBps: 500,
      takerFeeBps: 10,
      makerFeeBps: 5,
    })),
    maxAccounts: 1024,
    liquidationPenaltyBps: 100,
    maxMakersPerOrder: 16,
    marketOrderBandBps: 500,
    liquidationBandBps: 500,
    backstopAccountId: 0,
    backstopPubKeyX: 7n,
    backstopPubKeyY: 7n,
    ...overrides,
  };
}

type OrderArgs = Omit<Extract<EngineTx, { kind: "order" }>, "kind" | "nonce" | "type" | "tif"> &
  Partial<Pick<Extract<EngineTx, { kind: "order" }>, "type" | "tif">>;

/** Drives an engine with automatic seqs, nonces and deposit indexes, as the sequencer would. */
export class Driver {
  seq = 0n;
  constructor(readonly engine: Engine) {}

  static create(overrides: Partial<EngineParamsInput> = {}, markets = 1, genesis = {}): Driver {
    return new Driver(new Engine(testParams(overrides, markets), genesis));
  }

  apply(tx: EngineTx) {
    return this.engine.apply(tx, ++this.seq);
  }

  /** Creates a fresh account funded with `amount`; returns its id. */
  fund(amount: bigint, key: bigint = BigInt(this.engine.accountCount() * 1000 + 1)): number {
    const r = this.apply({
      kind: "deposit",
      depositIndex: this.engine.nextDepositIndex(),
      pubKeyX: key,
      pubKeyY: key + 1n,
      amount,
    });
    return r.deposit?.accountId as number;
  }

  price(marketId: number, price: bigint) {
    return this.apply({ kind: "price", marketId, price, timestampMs: this.seq + 1n });
  }

  nonceOf(id: number): bigint {
    return (this.engine.account(id)?.nonce ?? 0n) + 1n;
  }

  order(a: OrderArgs) {
    return this.apply({ kind: "order", type: "limit", tif: "GTC", ...a, nonce: this.nonceOf(a.accountId) });
  }

  cancel(accountId: number, marketId: number, orderId: bigint) {
    return this.apply({ kind: "cancel", accountId, marketId, orderId, nonce: this.nonceOf(accountId) });
  }

  /** To an account of the same key, or (with `isolatedMarket`) to a new isolated sub-account. */
  transfer(accountId: number, amount: bigint, dest: { to: number } | { isolatedMarket: number }) {
    return this.apply({ kind: "transfer", accountId, amount, ...dest, nonce: this.nonceOf(accountId) });
  }

  withdraw(accountId: number, amount: bigint) {
    return this.apply({
      kind: "withdrawal",
      accountId,
      amount,
      l1Address: 0xabcn,
      nonce: this.nonceOf(accountId),
    });
  }
}

/**
 * Drives market 0 of an engine under a risk policy with explicit keeper time and sequencer receive time
 * (the engine's clock), as the price path and the waterfall need.
 */
export class TimedDriver {
  readonly e: Engine;
  seq = 0n;
  t = 1_000n;
  constructor(risk: RiskInput, overrides: Partial<EngineParamsInput> = {}, genesis: EngineGenesis = {}) {
    this.e = new Engine(testParams({ risk, ...overrides }), genesis);
  }
  apply(tx: EngineTx) {
    return this.e.apply(tx, ++this.seq);
  }
  fund(amount: bigint, key = BigInt(this.e.accountCount() * 10 + 100)) {
    const r = this.apply({
      kind: "deposit",
      depositIndex: this.e.nextDepositIndex(),
      pubKeyX: key,
      pubKeyY: 1n,
      amount,
    });
    return r.deposit?.accountId as number;
  }
  /** A deposit to the backstop vault (account 0; testParams' backstop key is (7, 7)). */
  fundBackstop(amount: bigint) {
    this.apply({
      kind: "deposit",
      depositIndex: this.e.nextDepositIndex(),
      pubKeyX: 7n,
      pubKeyY: 7n,
      amount,
    });
  }
  /** A price observed at `atMs` and received at `nowMs` (default: at once). */
  price(price: bigint, atMs = this.t + 1_000n, nowMs = atMs) {
    this.t = atMs;
    return this.apply({ kind: "price", marketId: 0, price, timestampMs: atMs, nowMs });
  }
  order(accountId: number, side: "buy" | "sell", price: bigint, size: bigint, tif: "GTC" | "IOC" = "GTC") {
    const nonce = (this.e.account(accountId)?.nonce ?? 0n) + 1n;
    return this.apply({
      kind: "order",
      accountId,
      nonce,
      marketId: 0,
      side,
      type: "limit",
      tif,
      price,
      size,
    });
  }
  withdraw(accountId: number, amount: bigint) {
    const nonce = (this.e.account(accountId)?.nonce ?? 0n) + 1n;
    return this.apply({ kind: "withdrawal", accountId, nonce, amount, l1Address: 1n });
  }
  liquidate(accountId: number, sweep = false) {
    return this.apply(sweep ? { kind: "liquidation", accountId, sweep } : { kind: "liquidation", accountId });
  }
}

/** Everything observable through the read API, for deep-equality checks. */
export function snapshot(e: Engine) {
  const accounts = Array.from({ length: e.accountCount() }, (_, i) => ({
    leaf: e.account(i),
    orders: e.openOrders(i),
    isolatedMarket: e.accountView(i)?.isolatedMarket,
    subaccounts: e.accountView(i)?.subaccounts,
  }));
  const books = e.markets().map((m) => e.book(m.marketId, 1_000));
  return {
    accounts,
    books,
    global: e.global(),
    count: e.accountCount(),
    nextDeposit: e.nextDepositIndex(),
    q: e.conservedTotal(),
  };
}
