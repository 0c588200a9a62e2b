import { Packr } from "msgpackr";

/**
 * Binary codec for everything the sequencer persists (WAL entries, batch records). msgpack keeps
 * bigints exact (account keys are 254-bit), which JSON cannot do without tagging every number.
 */
const packr = new Packr({ useBigIntExtension: true, useRecords: false, mapsAsObjects: true });

export const encode = (value: unknown): Buffer => packr.pack(value);
export const decode = <T>(bytes: Uint8Array): T => packr.unpack(bytes) as T;

/** JSON with bigints as decimal strings, for HTTP bodies and BullMQ job data. */
export function toJsonSafe(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Uint8Array) return `0x${Buffer.from(value).toString("hex")}`;
  if (Array.isArray(value)) return value.map(toJsonSafe);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJsonSafe(v)]));
  }
  return value;
}
