pragma circom 2.1.0;

include "poseidon.circom";
include "range.circom";
include "circomlib/circuits/comparators.circom";

// LeafHash(M): leafHash = Poseidon(fields) over the 4 + 3M account-leaf fields of SPEC.md.
// Inputs: fields[4+3M]. Output: out. Cost: one PoseidonLean(4+3M) (~462 constraints at M=2).
// NOTE: M must be in 1..4 (Poseidon takes at most 16 inputs).
template LeafHash(M) {
    var L = 4 + 3 * M;
    signal input fields[L];
    signal output out;
    component h = PoseidonLean(L);
    for (var i = 0; i < L; i++) h.inputs[i] <== fields[i];
    out <== h.out;
}

// LeafRange(M): proves a new account leaf is in the ranges of SPEC.md:
// nonce [0, 2^32), collateral [0, 2^80), size (-2^47, 2^47), entryNotional (-2^95, 2^95),
// fundingSnapshot (-2^63, 2^63), and that a flat position (size 0) carries no entry notional.
// Keys are not range checked (any field element).
// The flat rule is what keeps q honest: without it a debt could be parked as the entry notional of
// an empty position, q would stay conserved, and the collateral it freed could be withdrawn.
// Inputs: fields[4+3M]. Cost: 112 + M * 212 constraints.
template LeafRange(M) {
    signal input fields[4 + 3 * M];
    component nonce = UnsignedRange(32);
    nonce.in <== fields[2];
    component collateral = UnsignedRange(80);
    collateral.in <== fields[3];
    component size[M];
    component entry[M];
    component funding[M];
    component flat[M];
    for (var m = 0; m < M; m++) {
        size[m] = SignedRange(48);
        size[m].in <== fields[4 + 3 * m];
        entry[m] = SignedRange(96);
        entry[m].in <== fields[5 + 3 * m];
        funding[m] = SignedRange(64);
        funding[m].in <== fields[6 + 3 * m];
        flat[m] = IsZero();
        flat[m].in <== fields[4 + 3 * m];
        flat[m].out * fields[5 + 3 * m] === 0;
    }
}

// LeafQ(M): the conserved quantity of one leaf, q = collateral - Σ entryNotional_m - Σ size_m * fundingSnapshot_m.
// Inputs: fields[4+3M]. Output: q (a signed field element). Cost: M constraints.
// NOTE: q is only meaningful as an integer if the leaf is in range (LeafRange, or a leaf already in
// the tree, which was range checked when it was written; genesis leaves must be in range too).
template LeafQ(M) {
    signal input fields[4 + 3 * M];
    signal output q;
    signal funding[M];
    var acc = fields[3];
    for (var m = 0; m < M; m++) {
        funding[m] <== fields[4 + 3 * m] * fields[6 + 3 * m];
        acc = acc - fields[5 + 3 * m] - funding[m];
    }
    q <== acc;
}
