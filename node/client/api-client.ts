import { pollUntil } from "../../core/poll.ts";
import { cancelWire, orderTx, orderWire, signedPriceBody, signTx } from "./signed-bodies.ts";

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The server's Retry-After, seconds (1 when it gave none). */
    readonly retryAfterS = 1,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(`${status} ${code}: ${message}`);
  }

  /** A follower's answer to a write names the leader (`NOT_LEADER`, details.leaderUrl). */
  get leaderUrl(): string | undefined {
    const u = this.details.leaderUrl;
    return typeof u === "string" ? u : undefined;
  }
}

type Json = Record<string, unknown>;

/** A liquidation ledger record as GET /liquidations serves it (bigints as decimal strings). */
export interface LiquidationRecordJson {
  id: number;
  accountId: number;
  policy: string;
  tier: "on-book" | "vault" | "adl";
  openedAtMs: string;
  closedAtMs?: string;
  fills: { tier: string; marketId: number; size: string; price: string; counterparty: number }[];
  penalty: string;
  deficitFromFund: string;
  deficitFromVault: string;
}

export interface ApiClientOptions {
  /**
   * How long a write may keep retrying `503 OVERLOADED`, waiting each answer's `Retry-After`, ms. A shed
   * request changed nothing, so sending it again is safe. 0 = never (open-loop load generators).
   * Default 120 s.
   */
  overloadRetryMs?: number;
  /** Abort a call that has no answer after this long, ms (a paused or partitioned server). Default: none. */
  timeoutMs?: number;
  /**
   * With several endpoints: how long a call keeps moving between them while none is a reachable leader,
   * ms (a takeover takes ≤ 3 s, docs/REPLICATION.md). Default 15 s; 0 with a single endpoint.
   */
  failoverMs?: number;
}

/** A refused connection, or a follower's NOT_LEADER: the request reached no leader and changed nothing. */
function neverReachedALeader(err: unknown): boolean {
  if (err instanceof ApiError) return err.code === "NOT_LEADER";
  const cause = (err as { cause?: { code?: string } })?.cause;
  return cause?.code === "ECONNREFUSED";
}

/**
 * Thin typed client of the sequencer's HTTP API, used by the demo, the tests and load generators.
 * Given several endpoints (a leader and its standbys, as a list or a comma-separated string), it sends
 * to the one it believes leads and moves on when that one refuses the connection or answers
 * `NOT_LEADER` (to the leader it names, else the next): neither reached a leader, so nothing was applied
 * and sending again is safe. A call that reached a server and lost its answer is not sent again.
 */
export class ApiClient {
  readonly #retryMs: number;
  readonly #timeoutMs: number | undefined;
  readonly #failoverMs: number;
  readonly urls: readonly string[];
  #current = 0;
  /** When the client moved to another endpoint, and to which (chaos runs report the takeovers). */
  readonly moves: { at: number; to: string }[] = [];

  constructor(endpoints: string | readonly string[], o: ApiClientOptions = {}) {
    const list = typeof endpoints === "string" ? endpoints.split(",") : endpoints;
    this.urls = list.map((u) => u.trim().replace(/\/+$/, "")).filter((u) => u.length > 0);
    if (this.urls.length === 0) throw new RangeError("ApiClient needs at least one endpoint URL");
    this.#retryMs = o.overloadRetryMs ?? 120_000;
    this.#timeoutMs = o.timeoutMs;
    this.#failoverMs = o.failoverMs ?? (this.urls.length > 1 ? 15_000 : 0);
  }

  /** The endpoint calls go to now. */
  get baseUrl(): string {
    return this.urls[this.#current]!;
  }

  async get<T = Json>(path: string): Promise<T> {
    return this.#call<T>("GET", path);
  }

  async post<T = Json>(path: string, body: unknown): Promise<T> {
    return this.#call<T>("POST", path, body);
  }

  async #call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const giveUpAt = Date.now() + this.#retryMs;
    const failoverUntil = Date.now() + this.#failoverMs;
    for (;;) {
      try {
        return await this.#once<T>(method, path, body);
      } catch (err) {
        if (Date.now() < failoverUntil && neverReachedALeader(err)) {
          this.moveOn(err);
          await new Promise((r) => setTimeout(r, 100));
          continue;
        }
        const wait = err instanceof ApiError && err.code === "OVERLOADED" ? err.retryAfterS * 1000 : -1;
        if (wait < 0 || Date.now() + wait > giveUpAt) throw err;
        await new Promise((r) => setTimeout(r, wait));
      }
    }
  }

  /**
   * Sends later calls to another endpoint: the leader `err` names, else the next in the list. Calls do
   * this themselves when no leader was reached; a caller that lost an answer (a timeout on a paused
   * server) may do it too.
   */
  moveOn(err?: unknown): void {
    const hinted = err instanceof ApiError ? err.leaderUrl : undefined;
    const i = hinted ? this.urls.indexOf(hinted.replace(/\/+$/, "")) : -1;
    const next = i >= 0 ? i : (this.#current + 1) % this.urls.length;
    if (next === this.#current) return;
    this.#current = next;
    this.moves.push({ at: Date.now(), to: this.baseUrl });
  }

  async #once<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      ...(this.#timeoutMs ? { signal: AbortSignal.timeout(this.#timeoutMs) } : {}),
      ...(body === undefined
        ? {}
        : {
            headers: { "content-type": "application/json" },
            body: typeof body === "string" ? body : JSON.stringify(body),
          }),
    });
    const text = await res.text();
    const json = text ? (JSON.parse(text) as Json) : {};
    if (!res.ok)
      throw new ApiError(
        res.status,
        String(json.code ?? "HTTP"),
        String(json.message ?? text),
        Number(res.headers.get("retry-after") ?? 1) || 1,
        typeof json.details === "object" && json.details !== null ? (json.details as Json) : {},
      );
    return json as T;
  }

  /** The latest liquidation event of `accountId` that has ended, if any (GET /liquidations). */
  async closedLiquidation(accountId: number): Promise<LiquidationRecordJson | undefined> {
    const first = await this.get<{ total: number }>("/liquidations?limit=1");
    const from = Math.max(0, first.total - 1_000);
    const page = await this.get<{ records: LiquidationRecordJson[] }>(
      `/liquidations?from=${from}&limit=1000`,
    );
    return page.records.filter((r) => r.accountId === accountId && r.closedAtMs !== undefined).at(-1);
  }

  state() {
    return this.get<{
      stateRoot: string;
      lastSealedBatch: string;
      lastProvenBatch: string;
      lastVerifiedBatch: string;
      openBatch: string;
      openBatchTxs: number;
      accounts: number;
    }>("/state");
  }

  /** Waits until everything applied so far is in a sealed batch; returns the last batch holding it. */
  async sealedUpToNow(timeoutMs = 30_000): Promise<bigint> {
    const s = await this.state();
    // The open batch number is exact at this instant; the stored records may lag by one seal.
    const target = s.openBatchTxs > 0 ? BigInt(s.openBatch) : BigInt(s.openBatch) - 1n;
    return pollUntil(
      `batch ${target} to be sealed`,
      async () => BigInt((await this.state()).lastSealedBatch) >= target && target,
      { timeoutMs, everyMs: 100 },
    );
  }

  batch(n: bigint | number) {
    return this.get<{
      batchNumber: string;
      status: string;
      priority: string;
      newStateRoot: string;
      l1TxHash?: string;
      proverId?: string;
      gasUsed?: string;
      times: Record<string, number>;
    }>(`/batches/${n}`);
  }

  async accountIdByKey(pubKey: readonly [bigint, bigint]): Promise<number | undefined> {
    try {
      return (await this.get<{ id: number }>(`/accounts?pubKeyX=${pubKey[0]}&pubKeyY=${pubKey[1]}`)).id;
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) return undefined;
      throw err;
    }
  }
}

/** An L2 trader: its key, its account id, and the nonce it will sign next. */
export class Trader {
  constructor(
    readonly api: ApiClient,
    readonly prv: Uint8Array,
    readonly accountId: number,
    public nonce: bigint,
  ) {}

  static async attach(
    api: ApiClient,
    prv: Uint8Array,
    pubKey: readonly [bigint, bigint],
  ): Promise<Trader | undefined> {
    const id = await api.accountIdByKey(pubKey);
    return id === undefined ? undefined : Trader.atAccount(api, prv, id);
  }

  /** A Trader for account `accountId` signed by `prv`, at the account's next nonce. */
  static async atAccount(api: ApiClient, prv: Uint8Array, accountId: number): Promise<Trader> {
    const acct = await api.get<{ leaf: { nonce: string } }>(`/accounts/${accountId}`);
    return new Trader(api, prv, accountId, BigInt(acct.leaf.nonce) + 1n);
  }

  async order(o: {
    marketId: number;
    side: "buy" | "sell";
    type: "limit" | "market";
    tif?: "GTC" | "IOC";
    price?: bigint;
    size: bigint;
    /** The most fee this order pays, bps of a fill's notional (signed; default: no cap). */
    maxFeeBps?: number;
    /** The order fills only in batches proven before this time, ms (signed; default: never expires). */
    expiryMs?: bigint;
  }) {
    const tx = orderTx({ ...o, accountId: this.accountId, nonce: this.nonce });
    const res = await this.api.post<Json>("/orders", orderWire(tx, signTx(this.prv, tx)));
    this.nonce++;
    return res;
  }

  async cancel(marketId: number, orderId: bigint) {
    const tx = { kind: "cancel" as const, accountId: this.accountId, nonce: this.nonce, marketId, orderId };
    const res = await this.api.post<Json>("/cancels", cancelWire(tx, signTx(this.prv, tx)));
    this.nonce++;
    return res;
  }

  /**
   * Moves cash to another account of this key (`to`), or opens a sub-account isolated to
   * `isolatedMarket` and funds it. Returns the API's result; `transfer.to` is the destination id.
   */
  async transfer(amount: bigint, dest: { to: number } | { isolatedMarket: number }) {
    const req = { accountId: this.accountId, nonce: this.nonce, amount, ...dest };
    const signature = signTx(this.prv, { kind: "transfer", ...req });
    const res = await this.api.post<Json & { transfer?: { to: number } }>("/transfers", {
      ...req,
      nonce: req.nonce.toString(),
      amount: amount.toString(),
      signature,
    });
    this.nonce++;
    return res;
  }

  /** A Trader for this key's account `accountId` (e.g. an isolated sub-account), at its next nonce. */
  sibling(accountId: number): Promise<Trader> {
    return Trader.atAccount(this.api, this.prv, accountId);
  }

  async withdraw(amount: bigint, l1Address: `0x${string}`) {
    const req = { accountId: this.accountId, nonce: this.nonce, amount, l1Address: BigInt(l1Address) };
    const signature = signTx(this.prv, { kind: "withdrawal", ...req });
    const res = await this.api.post<Json>("/withdrawals", {
      accountId: this.accountId,
      nonce: req.nonce.toString(),
      amount: amount.toString(),
      l1Address,
      signature,
    });
    this.nonce++;
    return res;
  }
}

/** Signs and posts an index price with the keeper key (devnet: the key's seed is in devnet.json). */
export async function postPrice(
  api: ApiClient,
  keeperPrv: Uint8Array,
  marketId: number,
  price: bigint,
  timestampMs: bigint,
) {
  return api.post("/prices", signedPriceBody(keeperPrv, { marketId, price, timestampMs }));
}
