import type { Admission } from "../mempool/admission.ts";

/** Backpressure as GET /state and the dashboard show it (docs/LANE.md), rounded to whole ms. */
export function admissionView(a: Admission) {
  const st = a.state();
  return {
    ...st,
    msPerBatch: Math.round(st.msPerBatch),
    proofMs: Math.round(a.capacity.proofMs),
    l1Ms: Math.round(a.capacity.l1Ms),
    provers: a.capacity.provers,
    txPerBatch: Math.round(a.capacity.txPerBatch),
  };
}

export type AdmissionView = ReturnType<typeof admissionView>;
