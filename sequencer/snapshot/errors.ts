import { BaseError } from "../../core/errors.ts";

/**
 * The graph holds something the codec cannot carry faithfully: an instance of a class nobody
 * registered, a function, a symbol. Thrown at capture, so a new class in the engine or the proof
 * state fails the snapshot tests loudly instead of coming back as a plain object that misbehaves.
 */
export class SnapshotUnsupportedError extends BaseError {
  override name = "SnapshotUnsupportedError";
}

/** A stored snapshot does not fit this node: other settings, another codec version, or a wrong root. */
export class SnapshotMismatchError extends BaseError {
  override name = "SnapshotMismatchError";
}
