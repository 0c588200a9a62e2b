/**
 * A batch's data words to its records. decodeBatchData ignores the padding bytes at the end of a
 * word; the circuit computes every word whole, so words with a padding bit set have no proof. A
 * reader that meets such words has been handed calldata no verified batch carried: refuse it
 * rather than rebuild from it.
 */
import {
  type BatchData,
  type DataLayout,
  decodeBatchData,
  encodeBatchData,
} from "../../sequencer/proof/batch-data.ts";
import { BadRecordError } from "./errors.ts";

export function batchRecords(layout: DataLayout, words: readonly bigint[], batch: number): BatchData {
  const data = decodeBatchData(layout, words);
  const again = encodeBatchData(layout, data);
  const at = again.findIndex((w, i) => w !== words[i]);
  if (at >= 0)
    throw new BadRecordError(
      "RECONSTRUCT_NONCANONICAL_DATA",
      `batch ${batch}: data word ${at} is not in canonical form`,
      {
        details: { batch, word: at },
      },
    );
  return data;
}
