pragma circom 2.1.0;

include "poseidon.circom";
include "range.circom";

// GlobalRoot(M): globalRoot = Poseidon(fields) over the 3M + 2 global fields of SPEC.md
// [markPrice_m, fundingIndex_m, openInterest_m]*M ++ [insuranceFund, feePool].
// Inputs: fields[3M+2]. Output: out. Cost: one PoseidonLean(3M+2) (~400 constraints at M=2).
template GlobalRoot(M) {
    var G = 3 * M + 2;
    signal input fields[G];
    signal output out;
    component h = PoseidonLean(G);
    for (var i = 0; i < G; i++) h.inputs[i] <== fields[i];
    out <== h.out;
}

// GlobalRange(M): proves new global fields are in range (SPEC.md check 5): markPrice [0, 2^40),
// fundingIndex (-2^63, 2^63), openInterest [0, 2^48), insuranceFund and feePool [0, 2^80).
// Inputs: fields[3M+2]. Cost: 153M + 160 constraints.
template GlobalRange(M) {
    signal input fields[3 * M + 2];
    component mark[M];
    component funding[M];
    component oi[M];
    for (var m = 0; m < M; m++) {
        mark[m] = UnsignedRange(40);
        mark[m].in <== fields[3 * m];
        funding[m] = SignedRange(64);
        funding[m].in <== fields[3 * m + 1];
        oi[m] = UnsignedRange(48);
        oi[m].in <== fields[3 * m + 2];
    }
    component insurance = UnsignedRange(80);
    insurance.in <== fields[3 * M];
    component fees = UnsignedRange(80);
    fees.in <== fields[3 * M + 1];
}
