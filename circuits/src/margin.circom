pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "select.circom";
include "trade.circom";

// Equity(M): an account's value at the marks, as risk/margin.ts `equity` computes it:
//   collateral + Σ_m (size_m·mark_m − entry_m) + Σ_m size_m·(F_m − snapshot_m)   (unsettled funding).
// Inputs: collateral, size[M], entry[M], snap[M], mark[M], F[M]. Output: out (signed).
// Cost: 2M constraints.
// NOTE: the caller keeps the inputs in their ranges, so |out| < 2^114 (no wrap).
template Equity(M) {
    signal input collateral;
    signal input size[M];
    signal input entry[M];
    signal input snap[M];
    signal input mark[M];
    signal input F[M];
    signal output out;
    signal value[M];
    signal funding[M];
    var acc = collateral;
    for (var m = 0; m < M; m++) {
        value[m] <== size[m] * mark[m];
        funding[m] <== size[m] * (F[m] - snap[m]);
        acc += value[m] - entry[m] + funding[m];
    }
    out <== acc;
}

// Requirement(M, BPS): Σ_m ceil(|size_m|·mark_m·BPS[m] / 10000), exactly risk/margin.ts
// `initialRequirement` / `maintenanceRequirement` (each market rounded up on its own).
// Inputs: size[M] (-2^47, 2^47), mark[M] [0, 2^40). Output: out. Cost: M * 168 constraints.
// The ceil is pinned on both sides (0 <= 10000·q − x < 10000): an operator who could round a
// requirement up would make a healthy account look liquidatable.
template Requirement(M, BPS) {
    signal input size[M];
    signal input mark[M];
    signal output out;
    component parts[M];
    signal x[M];
    signal q[M];
    component qBits[M];
    component slack[M];
    component slackBelow[M];
    var acc = 0;
    for (var m = 0; m < M; m++) {
        parts[m] = SignedParts(48);
        parts[m].x <== size[m];
        x[m] <== parts[m].abs * mark[m] * BPS[m];
        q[m] <-- (x[m] + 9999) \ 10000;
        qBits[m] = Num2Bits(90);
        qBits[m].in <== q[m];
        slack[m] = Num2Bits(14);
        slack[m].in <== 10000 * q[m] - x[m];
        slackBelow[m] = LessThan(14);
        slackBelow[m].in[0] <== 10000 * q[m] - x[m];
        slackBelow[m].in[1] <== 10000;
        slackBelow[m].out === 1;
        acc += q[m];
    }
    out <== acc;
}

// MarginCheck(M, BPS): ok = (equity >= Σ requirement at BPS), the account's standing at the marks.
// Inputs: collateral, size[M], entry[M], snap[M], mark[M], F[M]. Outputs: ok, equity.
// Cost: Equity + Requirement + 116.
template MarginCheck(M, BPS) {
    signal input collateral;
    signal input size[M];
    signal input entry[M];
    signal input snap[M];
    signal input mark[M];
    signal input F[M];
    signal output ok;
    signal output equity;
    component e = Equity(M);
    component r = Requirement(M, BPS);
    e.collateral <== collateral;
    for (var m = 0; m < M; m++) {
        e.size[m] <== size[m];
        e.entry[m] <== entry[m];
        e.snap[m] <== snap[m];
        e.mark[m] <== mark[m];
        e.F[m] <== F[m];
        r.size[m] <== size[m];
        r.mark[m] <== mark[m];
    }
    component sign = SignBit(116);
    sign.x <== e.out - r.out;
    ok <== sign.nonNeg;
    equity <== e.out;
}
