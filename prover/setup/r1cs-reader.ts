import { readFile } from "node:fs/promises";
import { SetupError } from "./errors.ts";
import { R, readLE32 } from "./field.ts";

/** Header of an iden3 `.r1cs` file (section 1), with where the constraint section sits. */
export interface R1cs {
  nWires: number;
  nPubOut: number;
  nPubIn: number;
  nPrvIn: number;
  nConstraints: number;
  /** View over the constraints section (section 2). */
  constraints: DataView;
}

/** 0 = A, 1 = B, 2 = C, as in snarkjs' coefficient section. */
export type Matrix = 0 | 1 | 2;

/**
 * Reads a circom `.r1cs` file. We parse it ourselves (the format is four integers and a list of sparse
 * linear combinations) rather than depend on snarkjs' transitive `r1csfile` package.
 */
export async function readR1cs(path: string): Promise<R1cs> {
  const buf = await readFile(path);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  if (buf.toString("latin1", 0, 4) !== "r1cs")
    throw new SetupError("SETUP_BAD_R1CS", `not an r1cs file: ${path}`);
  const nSections = dv.getUint32(8, true);
  let pos = 12;
  let header: Omit<R1cs, "constraints"> | undefined;
  let constraints: DataView | undefined;
  for (let s = 0; s < nSections; s++) {
    const type = dv.getUint32(pos, true);
    const size = Number(dv.getBigUint64(pos + 4, true));
    const start = pos + 12;
    if (type === 1) {
      const n8 = dv.getUint32(start, true);
      if (n8 !== 32 || readLE32(dv, start + 4) !== R) {
        throw new SetupError("SETUP_BAD_R1CS", "r1cs is not over the BN254 scalar field", {
          details: { path },
        });
      }
      const p = start + 4 + n8;
      header = {
        nWires: dv.getUint32(p, true),
        nPubOut: dv.getUint32(p + 4, true),
        nPubIn: dv.getUint32(p + 8, true),
        nPrvIn: dv.getUint32(p + 12, true),
        nConstraints: dv.getUint32(p + 24, true),
      };
    } else if (type === 2) {
      constraints = new DataView(buf.buffer, buf.byteOffset + start, size);
    }
    pos = start + size;
  }
  if (!header || !constraints)
    throw new SetupError("SETUP_BAD_R1CS", `r1cs misses its header or constraints: ${path}`);
  return { ...header, constraints };
}

/**
 * Calls `fn` for every non-zero term of every constraint, in file order. `coefOffset` points at the
 * 32-byte little-endian coefficient inside `r1cs.constraints`.
 */
export function forEachTerm(
  r1cs: R1cs,
  fn: (matrix: Matrix, constraint: number, wire: number, coefOffset: number) => void,
): void {
  const dv = r1cs.constraints;
  let pos = 0;
  for (let c = 0; c < r1cs.nConstraints; c++) {
    for (let m = 0; m < 3; m++) {
      const nTerms = dv.getUint32(pos, true);
      pos += 4;
      for (let t = 0; t < nTerms; t++) {
        fn(m as Matrix, c, dv.getUint32(pos, true), pos + 4);
        pos += 36;
      }
    }
  }
}
