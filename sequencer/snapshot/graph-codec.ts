import { deserialize, serialize } from "node:v8";
import { SnapshotUnsupportedError } from "./errors.ts";

/**
 * A generic codec for object graphs: the engine's and the proof's state are a few dozen classes with
 * cycles (a book's orders, levels and chunks link to each other), Maps, Sets, bigints and typed
 * arrays. `v8.serialize` carries all of that exactly, identity and insertion order included, but it
 * drops prototypes; hand-written toJSON/fromJSON per class would have to rebuild the links and be
 * kept in step with every field added later. So the codec walks the graph once, copying it into
 * plain data, and lists which copies were instances of which registered class; restore puts the
 * prototypes back. A class it does not know, or a function, throws instead of being flattened.
 *
 * Registered classes must keep their state in ordinary properties: `#private` fields are invisible
 * to any walk (the round-trip tests would show the loss as different roots).
 */
export type ClassRegistry = Readonly<Record<string, abstract new (...args: never[]) => object>>;

export interface GraphCodecOptions {
  classes: ClassRegistry;
  /**
   * Objects that are configuration, not state (engine params, the circuit instance): left out of the
   * bytes and put back by name on restore, so a snapshot never pins an old copy of the settings.
   */
  externals?: Readonly<Record<string, object>>;
}

interface Envelope {
  root: unknown;
  /** Each copied class instance and its registered name. */
  instances: [object, string][];
  /** Where an external was referenced: the holder (a copy), the property, the external's name. */
  refs: [object, string, string][];
}

const PLAIN = new Set<unknown>([Object.prototype, null]);

/** Serialises `root` (see the module comment); throws SnapshotUnsupportedError on what it cannot carry. */
export function encodeGraph(root: unknown, o: GraphCodecOptions): Buffer {
  const names = new Map<object, string>();
  for (const [name, cls] of Object.entries(o.classes)) names.set(cls.prototype as object, name);
  const externals = new Map<object, string>();
  for (const [name, obj] of Object.entries(o.externals ?? {})) externals.set(obj, name);
  const copies = new Map<object, unknown>();
  const env: Envelope = { root: undefined, instances: [], refs: [] };

  const unsupported = (what: string, path: string): never => {
    throw new SnapshotUnsupportedError("SNAPSHOT_UNSUPPORTED", `cannot snapshot ${what} at ${path}`, {
      details: { what, path },
    });
  };

  // Iterative on an explicit stack: a book's order list can be long enough to overflow recursion.
  const stack: { src: object; dst: Record<string | number, unknown>; path: string }[] = [];
  const copy = (v: unknown, path: string): unknown => {
    if (typeof v === "function") return unsupported(`a function (${v.name || "anonymous"})`, path);
    if (typeof v === "symbol") return unsupported("a symbol", path);
    if (v === null || typeof v !== "object") return v;
    const seen = copies.get(v);
    if (seen !== undefined) return seen;
    if (ArrayBuffer.isView(v)) {
      const c = (v as unknown as { slice(): unknown }).slice();
      copies.set(v, c);
      return c;
    }
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto === Map.prototype) {
      const c = new Map<unknown, unknown>();
      copies.set(v, c);
      for (const [k, x] of v as Map<unknown, unknown>) {
        if (typeof k === "object" && k !== null) unsupported("an object Map key", path);
        c.set(k, copy(x, `${path}.get(${String(k)})`));
      }
      return c;
    }
    if (proto === Set.prototype) {
      const c = new Set<unknown>();
      copies.set(v, c);
      for (const x of v as Set<unknown>) {
        if (typeof x === "object" && x !== null) unsupported("an object in a Set", path);
        c.add(x);
      }
      return c;
    }
    let dst: Record<string | number, unknown>;
    if (proto === Array.prototype) dst = new Array((v as unknown[]).length) as never;
    else if (PLAIN.has(proto)) dst = {};
    else {
      const name = names.get(proto as object);
      if (name === undefined) {
        const ctor = (proto as { constructor?: { name?: string } } | undefined)?.constructor?.name;
        return unsupported(`an instance of unregistered class ${ctor ?? "?"}`, path);
      }
      dst = {};
      env.instances.push([dst, name]);
    }
    copies.set(v, dst);
    stack.push({ src: v, dst, path });
    return dst;
  };

  env.root = copy(root, "root");
  for (let job = stack.pop(); job; job = stack.pop()) {
    const { src, dst, path } = job;
    const keys = Array.isArray(src) ? src.keys() : Object.keys(src);
    for (const k of keys) {
      const x = (src as Record<string | number, unknown>)[k];
      const ext = typeof x === "object" && x !== null ? externals.get(x) : undefined;
      if (ext !== undefined) {
        dst[k] = null;
        env.refs.push([dst, String(k), ext]);
      } else dst[k] = copy(x, `${path}.${String(k)}`);
    }
  }
  return serialize(env);
}

/** Restores what `encodeGraph` wrote, with the same registry and externals (by name). */
export function decodeGraph<T>(bytes: Uint8Array, o: GraphCodecOptions): T {
  const env = deserialize(bytes) as Envelope;
  for (const [obj, name] of env.instances) {
    const cls = o.classes[name];
    if (!cls)
      throw new SnapshotUnsupportedError(
        "SNAPSHOT_UNKNOWN_CLASS",
        `the snapshot holds unknown class ${name}`,
        {
          details: { name },
        },
      );
    Object.setPrototypeOf(obj, cls.prototype);
  }
  for (const [holder, key, name] of env.refs) {
    const ext = o.externals?.[name];
    if (!ext)
      throw new SnapshotUnsupportedError("SNAPSHOT_UNKNOWN_EXTERNAL", `no external ${name} to restore`, {
        details: { name },
      });
    (holder as Record<string, unknown>)[key] = ext;
  }
  return env.root as T;
}
