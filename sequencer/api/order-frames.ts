/**
 * The order-entry WebSocket's frames (docs/ORDER-ENTRY.md), shared by the server route and the client.
 * A request frame carries many signed writes; each reply frame answers one request frame, item by item.
 * Binary frames are msgpack, text frames JSON; a reply uses the encoding of the frame it answers.
 */
import { Packr } from "msgpackr";
import { BaseError } from "../../core/errors.ts";
import { WRITE_KINDS, type WriteKind } from "./write-kinds.ts";

/** Most items in one frame: a bound on the work and memory one message can ask for. */
export const MAX_FRAME_ITEMS = 4096;
/** Most bytes in one frame (the socket's maxPayload): ~4096 orders of ~500 bytes JSON each, with room. */
export const MAX_FRAME_BYTES = 4 * 1024 * 1024;

export type ItemId = string | number;

export interface FrameItem {
  /** The client's name for the item, echoed in its reply; unique per connection is the client's job. */
  id: ItemId;
  kind: WriteKind;
  /** The same body as the HTTP POST route of that kind. */
  body: unknown;
}

export interface OrderFrame {
  /** The client's frame number, echoed in the reply; replies come in frame order whatever it is. */
  frame?: number;
  items: FrameItem[];
}

export interface ErrorBody {
  code: string;
  message: string;
  details?: unknown;
  /** With OVERLOADED: when to retry, ms (the HTTP Retry-After × 1000). */
  retryAfterMs?: number;
}

export type ItemReply =
  | { id: ItemId; ok: true; result: Record<string, unknown> }
  | { id: ItemId; ok: false; error: ErrorBody };

export type FrameReply =
  | { frame: number | null; results: ItemReply[] }
  | { frame: number | null; error: ErrorBody };

/** The frame is not a frame: undecodable, or not `{frame?, items: [{id, kind, body}]}`. No item ran. */
export class BadFrameError extends BaseError {
  override name = "BadFrameError";
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("BAD_FRAME", message, { details });
  }
}

// Records (msgpackr's shared-structure extension) would tie both ends to one library's state.
const packr = new Packr({ useRecords: false });

export function encodeFrame(value: OrderFrame | FrameReply, binary: boolean): Buffer | string {
  return binary ? packr.pack(value) : JSON.stringify(value);
}

/** Decodes either encoding; throws BadFrameError on bytes that are neither. */
export function decodeRaw(data: Buffer, binary: boolean): unknown {
  try {
    return binary ? packr.unpack(data) : JSON.parse(data.toString("utf8"));
  } catch (err) {
    throw new BadFrameError(binary ? "the frame is not valid msgpack" : "the frame is not valid JSON", {
      reason: err instanceof Error ? err.message : String(err),
    });
  }
}

const KINDS = new Set<string>(WRITE_KINDS);

/** The frame number, if the value carries a usable one (so even a bad frame's reply can name it). */
export function frameNumberOf(v: unknown): number | null {
  const f = (v as { frame?: unknown } | null)?.frame;
  return typeof f === "number" && Number.isSafeInteger(f) ? f : null;
}

/**
 * Checks the frame's shell by hand (a zod pass over thousands of items costs more than the check);
 * each item's body is parsed later by its route's schema, and a bad body fails only that item.
 */
export function parseFrame(v: unknown): OrderFrame {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new BadFrameError("a frame is an object {frame?, items}");
  const { frame, items, ...rest } = v as { frame?: unknown; items?: unknown };
  const extra = Object.keys(rest);
  if (extra.length) throw new BadFrameError("unknown frame fields", { fields: extra });
  if (frame !== undefined && frameNumberOf(v) === null)
    throw new BadFrameError("`frame` must be a safe integer");
  if (!Array.isArray(items) || items.length === 0)
    throw new BadFrameError("`items` must be a non-empty array");
  if (items.length > MAX_FRAME_ITEMS)
    throw new BadFrameError(`at most ${MAX_FRAME_ITEMS} items per frame`, { items: items.length });
  for (let i = 0; i < items.length; i++) {
    const it = items[i] as { id?: unknown; kind?: unknown; body?: unknown } | null;
    if (typeof it !== "object" || it === null) throw new BadFrameError("an item is an object", { index: i });
    const okId =
      (typeof it.id === "string" && it.id.length <= 128) ||
      (typeof it.id === "number" && Number.isFinite(it.id));
    if (!okId) throw new BadFrameError("an item's `id` is a number or a string", { index: i });
    if (typeof it.kind !== "string" || !KINDS.has(it.kind))
      throw new BadFrameError(`an item's \`kind\` is one of ${WRITE_KINDS.join(", ")}`, { index: i });
    if (!("body" in it)) throw new BadFrameError("an item has a `body`", { index: i });
  }
  return v as OrderFrame;
}
