/**
 * `GET /ws/orders`: the order-entry WebSocket (docs/ORDER-ENTRY.md). Each frame carries a batch of
 * signed writes, admitted through the same path as the HTTP routes (`intake.ts`), so an item gets the
 * answer and the code its POST would have got. What the socket adds is amortisation: one decode, one
 * batch of signature checks in the verify pool's workers, and one reply frame per request frame.
 *
 * Order: items are queued in frame order, and frames in arrival order (each frame's queueing waits for
 * the previous frame's, while its signature checks run at once). Replies come in frame order.
 */
import websocket from "@fastify/websocket";
import type { FastifyInstance } from "fastify";
import type { WebSocket } from "ws";
import type { VerifyPool } from "../../crypto/verify-pool.ts";
import { toHttpError } from "../http-errors.ts";
import {
  type AdmitResult,
  admit,
  checkMany,
  type IntakeDeps,
  type PreparedWrite,
  prepare,
  type WriteKind,
} from "../intake.ts";
import {
  decodeRaw,
  type ErrorBody,
  encodeFrame,
  type FrameItem,
  type FrameReply,
  frameNumberOf,
  type ItemReply,
  MAX_FRAME_BYTES,
  parseFrame,
} from "../order-frames.ts";
import { retryAfterS } from "../retry-after.ts";
import type { ApiDeps } from "../server.ts";
import { intakeDeps } from "./writes.ts";

/** The HTTP error body of `err`, plus retryAfterMs where HTTP would send Retry-After. */
export function errorBodyOf(err: unknown): ErrorBody {
  const { body } = toHttpError(err);
  return body.code === "OVERLOADED" ? { ...body, retryAfterMs: retryAfterS(err) * 1000 } : body;
}

type Slot = { p: PreparedWrite } | { error: ErrorBody };

/** One connection: frames are independent except for the order in which they queue and reply. */
class OrderStreamSession {
  /** Resolves once the previous frame's items are all queued. */
  #queued: Promise<void> = Promise.resolve();
  /** Resolves once the previous frame's reply is sent. */
  #replied: Promise<void> = Promise.resolve();

  constructor(
    readonly socket: WebSocket,
    readonly deps: IntakeDeps,
    readonly pool: VerifyPool | undefined,
  ) {
    socket.on("message", (data, isBinary) => this.#onFrame(data as Buffer, isBinary));
  }

  #onFrame(data: Buffer, binary: boolean): void {
    let reply: Promise<FrameReply>;
    try {
      const raw = decodeRaw(Array.isArray(data) ? Buffer.concat(data) : data, binary);
      const frame = frameNumberOf(raw);
      try {
        reply = this.#run(frame, parseFrame(raw).items);
      } catch (err) {
        reply = Promise.resolve({ frame, error: errorBodyOf(err) });
      }
    } catch (err) {
      reply = Promise.resolve({ frame: null, error: errorBodyOf(err) });
    }
    // Every frame gets exactly one reply, in order: a failure here must not stall the frames after it.
    this.#replied = this.#replied
      .then(() => reply)
      .then((r) => {
        if (this.socket.readyState === this.socket.OPEN) this.socket.send(encodeFrame(r, binary));
      })
      .catch(() => undefined);
  }

  #run(frame: number | null, items: FrameItem[]): Promise<FrameReply> {
    // Parsing is synchronous, and every item is parsed and signature-checked before any is queued.
    const slots: Slot[] = items.map((it) => {
      try {
        return { p: prepare(this.deps, it.kind as WriteKind, it.body) };
      } catch (err) {
        return { error: errorBodyOf(err) };
      }
    });
    const toVerify = slots.flatMap((s) => ("p" in s ? [s.p] : []));
    const verdicts = checkMany(this.pool, toVerify);
    const prev = this.#queued;
    const admitted = Promise.all([prev, verdicts]).then(([, ok]) => {
      let v = 0;
      // Queued one after the other in this loop, so the engine sees them in frame order.
      return slots.map((s): Promise<AdmitResult> | undefined =>
        "p" in s ? admit(this.deps, s.p, ok[v++]!) : undefined,
      );
    });
    this.#queued = admitted.then(
      () => undefined,
      () => undefined,
    );
    const answered = admitted.then(
      async (pending): Promise<FrameReply> => {
        const settled = await Promise.allSettled(pending);
        const results = settled.map((r, i): ItemReply => {
          const id = items[i]!.id;
          const s = slots[i]!;
          if ("error" in s) return { id, ok: false, error: s.error };
          if (r.status === "fulfilled") return { id, ok: true, result: r.value! };
          return { id, ok: false, error: errorBodyOf(r.reason) };
        });
        return { frame, results };
      },
      // The verify pool closing (server shutdown) fails every item of the frame alike.
      (err) => ({
        frame,
        results: items.map((it) => ({ id: it.id, ok: false as const, error: errorBodyOf(err) })),
      }),
    );
    // Unreachable unless building the reply itself throws: answer the frame rather than leave it.
    return answered.catch((err) => ({ frame, error: errorBodyOf(err) }));
  }
}

export function registerOrderStream(app: FastifyInstance, d: ApiDeps): void {
  const deps = intakeDeps(d);
  app.register(websocket, { options: { maxPayload: MAX_FRAME_BYTES } });
  app.register(async (scoped) => {
    scoped.get("/ws/orders", { websocket: true }, (socket) => {
      new OrderStreamSession(socket, deps, d.verifyPool);
    });
  });
}
