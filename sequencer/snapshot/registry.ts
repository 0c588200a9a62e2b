import { RiskState } from "../engine/risk-state.ts";
import { EngineState } from "../engine/state.ts";
import { BookSide, Chunk, OrderBook, PriceLevel, RestingOrder } from "../matching/order-book.ts";
import { MemorySmt } from "../proof/memory-smt.ts";
import { ProofModel } from "../proof/model.ts";
import type { ClassRegistry } from "./graph-codec.ts";

/**
 * Every class whose instances the engine's and the proof's state hold, by a stable name (the name is
 * what the snapshot stores: renaming an entry orphans older snapshots, so add, don't rename). A class
 * missing here makes the capture throw SNAPSHOT_UNSUPPORTED.
 */
export const SNAPSHOT_CLASSES: ClassRegistry = Object.freeze({
  EngineState,
  RiskState,
  OrderBook,
  BookSide,
  Chunk,
  PriceLevel,
  RestingOrder,
  ProofModel,
  MemorySmt,
});
