/**
 * Client of the sequencer's order-entry WebSocket (`GET /ws/orders`, docs/ORDER-ENTRY.md). One promise
 * per item; items sent in the same tick travel in one frame. Every item ends exactly one way: accepted
 * (the sequencer applied it and logged it durably), refused (a typed error with the server's code), or
 * closed (the socket went away before its reply: it may or may not have been admitted, so check the
 * account's nonce before sending it again). None is left hanging. No reconnect: a new stream is a new
 * connection.
 */
import WebSocket from "ws";
import { BaseError } from "../../core/errors.ts";
import {
  decodeRaw,
  type ErrorBody,
  encodeFrame,
  type FrameItem,
  type FrameReply,
  type ItemReply,
  MAX_FRAME_ITEMS,
} from "../../sequencer/api/order-frames.ts";
import type { WriteKind } from "../../sequencer/api/write-kinds.ts";

/** The server refused the item; `code` is the one its HTTP route would have returned. */
export class OrderRefusedError extends BaseError {
  override name = "OrderRefusedError";
  /** With OVERLOADED: when to retry, ms. */
  readonly retryAfterMs: number | undefined;
  constructor(e: ErrorBody) {
    super(e.code, e.message, { details: { server: e.details } });
    this.retryAfterMs = e.retryAfterMs;
  }
}

/** The socket closed (or failed) with the item sent or queued and no reply: its fate is unknown. */
export class OrderStreamClosedError extends BaseError {
  override name = "OrderStreamClosedError";
  constructor(reason: string, details: Record<string, unknown> = {}) {
    super("STREAM_CLOSED", `the order stream closed before the reply: ${reason}`, { details });
  }
}

/** The server answered something this client cannot match to what it sent: the stream is unusable. */
export class OrderStreamProtocolError extends BaseError {
  override name = "OrderStreamProtocolError";
}

export type ItemOutcome =
  | { ok: true; result: Record<string, unknown> }
  | { ok: false; error: ErrorBody }
  | { ok: false; closed: OrderStreamClosedError };

export interface OrderStreamOptions {
  /** msgpack (binary frames, default) or JSON (text frames). */
  encoding?: "msgpack" | "json";
  /** Most items per frame; a tick with more sends several frames. Default and ceiling MAX_FRAME_ITEMS. */
  maxItemsPerFrame?: number;
}

interface Waiting {
  id: number;
  settle: (o: ItemOutcome) => void;
}

export class OrderStream {
  readonly #ws: WebSocket;
  readonly #binary: boolean;
  readonly #maxItems: number;
  #queue: { item: FrameItem; w: Waiting }[] = [];
  /** Sent frames awaiting their reply, oldest first: the server replies in frame order. */
  readonly #inFlight: { frame: number; items: Waiting[] }[] = [];
  #nextId = 1;
  #nextFrame = 1;
  #flushScheduled = false;
  #closed: OrderStreamClosedError | undefined;

  private constructor(ws: WebSocket, o: OrderStreamOptions) {
    this.#ws = ws;
    this.#binary = (o.encoding ?? "msgpack") === "msgpack";
    this.#maxItems = Math.min(MAX_FRAME_ITEMS, Math.max(1, o.maxItemsPerFrame ?? MAX_FRAME_ITEMS));
    ws.on("message", (data, isBinary) => this.#onReply(data as Buffer, isBinary));
    ws.on("close", (code, reason) =>
      this.#fail(new OrderStreamClosedError(`socket closed (${code})`, { code, reason: reason.toString() })),
    );
    ws.on("error", (err) => this.#fail(new OrderStreamClosedError(`socket error: ${err.message}`)));
  }

  /** Opens `ws://host:port/ws/orders` (the API URL with /ws/orders; http(s) becomes ws(s)). */
  static connect(apiUrl: string, o: OrderStreamOptions = {}): Promise<OrderStream> {
    const url = `${apiUrl.replace(/^http/, "ws").replace(/\/$/, "")}/ws/orders`;
    const ws = new WebSocket(url, { perMessageDeflate: false });
    return new Promise((resolve, reject) => {
      ws.once("open", () => resolve(new OrderStream(ws, o)));
      ws.once("error", (err) => reject(new OrderStreamClosedError(`could not connect: ${err.message}`)));
    });
  }

  /** Items sent and not yet answered (queued or in flight). */
  get pending(): number {
    return this.#queue.length + this.#inFlight.reduce((n, f) => n + f.items.length, 0);
  }

  /** The item's outcome, never a rejection: what a load generator wants (no stack trace per refusal). */
  send(kind: WriteKind, body: unknown): Promise<ItemOutcome> {
    if (this.#closed) return Promise.resolve({ ok: false, closed: this.#closed });
    return new Promise((settle) => {
      const id = this.#nextId++;
      this.#queue.push({ item: { id, kind, body }, w: { id, settle } });
      if (!this.#flushScheduled) {
        this.#flushScheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  /** The item's result; rejects with OrderRefusedError or OrderStreamClosedError. */
  async submit(kind: WriteKind, body: unknown): Promise<Record<string, unknown>> {
    const o = await this.send(kind, body);
    if (o.ok) return o.result;
    throw "closed" in o ? o.closed : new OrderRefusedError(o.error);
  }

  /** Closes the socket; items still unanswered end as closed. */
  async close(): Promise<void> {
    if (this.#ws.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.#ws.once("close", () => resolve());
      this.#ws.close(1000, "client closed");
    });
  }

  #flush(): void {
    this.#flushScheduled = false;
    if (this.#closed) return;
    while (this.#queue.length) {
      const part = this.#queue.splice(0, this.#maxItems);
      const frame = this.#nextFrame++;
      this.#inFlight.push({ frame, items: part.map((p) => p.w) });
      this.#ws.send(encodeFrame({ frame, items: part.map((p) => p.item) }, this.#binary));
    }
  }

  #onReply(data: Buffer, binary: boolean): void {
    let reply: FrameReply;
    try {
      reply = decodeRaw(data, binary) as FrameReply;
    } catch (err) {
      this.#protocolError("an undecodable reply", err);
      return;
    }
    const problem = this.#settle(reply);
    if (problem) this.#protocolError(problem);
  }

  /**
   * Settles the oldest frame's items from its reply; says what is wrong if the reply does not fit it.
   * A frame that does not fit goes back at the head, so the close that follows settles its items too
   * (settling an item twice is a no-op: a promise resolves once).
   */
  #settle(reply: FrameReply): string | undefined {
    const head = this.#inFlight.shift();
    if (!head) return "a reply to no frame";
    const problem = this.#settleFrame(head, reply);
    if (problem) this.#inFlight.unshift(head);
    return problem;
  }

  #settleFrame(head: { frame: number; items: Waiting[] }, reply: FrameReply): string | undefined {
    if (reply.frame !== null && reply.frame !== head.frame)
      return `the reply to frame ${reply.frame} where ${head.frame} was next`;
    if ("error" in reply) {
      for (const w of head.items) w.settle({ ok: false, error: reply.error });
      return undefined;
    }
    const results: ItemReply[] = reply.results;
    if (results.length !== head.items.length)
      return `${results.length} results for ${head.items.length} items`;
    for (let i = 0; i < results.length; i++) {
      const r = results[i]!;
      const w = head.items[i]!;
      if (r.id !== w.id) return `the result for item ${r.id} where ${w.id} was next`;
      w.settle(r.ok ? { ok: true, result: r.result } : { ok: false, error: r.error });
    }
    return undefined;
  }

  #protocolError(what: string, cause?: unknown): void {
    const err = new OrderStreamProtocolError("STREAM_PROTOCOL", `the server sent ${what}`, { cause });
    this.#fail(new OrderStreamClosedError(err.message));
    this.#ws.terminate();
  }

  /** Every item still unanswered ends as closed, once; later sends end as closed at once. */
  #fail(err: OrderStreamClosedError): void {
    if (this.#closed) return;
    this.#closed = err;
    const waiting = [...this.#inFlight.flatMap((f) => f.items), ...this.#queue.map((q) => q.w)];
    this.#inFlight.length = 0;
    this.#queue = [];
    for (const w of waiting) w.settle({ ok: false, closed: err });
  }
}
