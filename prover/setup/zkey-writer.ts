import { open } from "node:fs/promises";
import { blake2b } from "@noble/hashes/blake2.js";
import { R, writeLE32 } from "./field.ts";

const Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

/** Everything a snarkjs 0.7 groth16 zkey holds, points already in affine LEM form. */
export interface ZkeyContents {
  nVars: number;
  nPublic: number;
  domainSize: number;
  alpha1: Uint8Array;
  beta1: Uint8Array;
  beta2: Uint8Array;
  gamma2: Uint8Array;
  delta1: Uint8Array;
  delta2: Uint8Array;
  /** Section 4 body as built by computeScalars. */
  coeffs: Uint8Array;
  ic: Uint8Array;
  a: Uint8Array;
  b1: Uint8Array;
  b2: Uint8Array;
  c: Uint8Array;
  h: Uint8Array;
}

function u32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v, true);
  return b;
}

function fieldHeader(v: bigint): Uint8Array {
  const b = new Uint8Array(32);
  writeLE32(b, 0, v);
  return b;
}

/**
 * Writes the zkey with the binfile layout of @iden3/binfileutils ("zkey", version 1, 10 sections of
 * id:u32 + size:u64 + body), sections in the order snarkjs' newZKey writes them. The circuit hash in
 * section 10 is blake2b-512 over our point sections: snarkjs hashes uncompressed points instead, so
 * `zkey verify` against a ptau is meaningless here anyway (there is no ptau).
 */
export async function writeZkey(path: string, z: ZkeyContents): Promise<Uint8Array> {
  const header2 = [
    u32(32),
    fieldHeader(Q),
    u32(32),
    fieldHeader(R),
    u32(z.nVars),
    u32(z.nPublic),
    u32(z.domainSize),
    z.alpha1,
    z.beta1,
    z.beta2,
    z.gamma2,
    z.delta1,
    z.delta2,
  ];
  const hasher = blake2b.create({ dkLen: 64 });
  for (const part of [
    z.alpha1,
    z.beta1,
    z.beta2,
    z.gamma2,
    z.delta1,
    z.delta2,
    z.ic,
    z.h,
    z.c,
    z.a,
    z.b1,
    z.b2,
  ]) {
    hasher.update(part);
  }
  const csHash = hasher.digest();
  const sections: Array<[number, Uint8Array[]]> = [
    [1, [u32(1)]], // 1 = groth16
    [2, header2],
    [4, [z.coeffs]],
    [3, [z.ic]],
    [9, [z.h]],
    [8, [z.c]],
    [5, [z.a]],
    [6, [z.b1]],
    [7, [z.b2]],
    [10, [csHash, u32(0)]], // no contributions
  ];
  const fh = await open(path, "w");
  try {
    const head = new Uint8Array(12);
    head.set(new TextEncoder().encode("zkey"), 0);
    new DataView(head.buffer).setUint32(4, 1, true);
    new DataView(head.buffer).setUint32(8, sections.length, true);
    await fh.write(head);
    for (const [id, parts] of sections) {
      const size = parts.reduce((s, p) => s + p.length, 0);
      const sh = new Uint8Array(12);
      const dv = new DataView(sh.buffer);
      dv.setUint32(0, id, true);
      dv.setBigUint64(4, BigInt(size), true);
      await fh.write(sh);
      for (const p of parts) await fh.write(p);
    }
  } finally {
    await fh.close();
  }
  return csHash;
}
