pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "margin.circom";
include "poseidon.circom";
include "select.circom";

// ForcedSlot(N, M, NW, IMF): one priority request from L1 (docs/SPEC.md "Priority requests"), after
// every op of the batch. kind 0 is an empty slot, 1 a forced withdrawal, 2 a forced cancel-all.
// Proves, when the slot is used:
//   - the queue: hashOut = Poseidon(hashIn, kind, accountId, Poseidon(keyX, keyY), amount·2^160 + to),
//     the chain Rollup.sol keeps, so a batch serves the requests exactly in their L1 order;
//   - account slot `slot` holds `accountId`;
//   - a withdrawal pays pay = min(amount, collateral, max(0, equity − initial requirement)) at the
//     batch's marks (sequencer/proof/forced.ts), or 0 if the request's key is not the account's,
//     takes it from the account's collateral, and is the next withdrawal slot (accountId, to, pay),
//     which the contract credits to `to`.
// A cancel-all changes no leaf: cancels are not proven (README trust model).
// Inputs: kind, accountId, keyX, keyY, amount, to, slot, hashIn, wdCountIn, rows[N][R], index[N],
// mark[M], F[M], wdAccount[NW], wdAddress[NW], wdAmount[NW].
// Outputs: rowsOut[N][R], hashOut, wdCountOut, pay.
template ForcedSlot(N, M, NW, IMF) {
    var L = 5 + 3 * M;
    var R = L + 2;
    signal input kind;
    signal input accountId;
    signal input keyX;
    signal input keyY;
    signal input amount;
    signal input to;
    signal input slot;
    signal input hashIn;
    signal input wdCountIn;
    signal input rows[N][R];
    signal input index[N];
    signal input mark[M];
    signal input F[M];
    signal input wdAccount[NW];
    signal input wdAddress[NW];
    signal input wdAmount[NW];
    signal output rowsOut[N][R];
    signal output hashOut;
    signal output wdCountOut;
    signal output pay;

    // kind in {0, 1, 2}
    signal k01 <== kind * (kind - 1);
    k01 * (kind - 2) === 0;
    component isW = IsEqual();
    isW.in[0] <== kind;
    isW.in[1] <== 1;
    component isNone = IsZero();
    isNone.in <== kind;
    signal en <== 1 - isNone.out;

    // The payload word packs amount and to without overlap.
    component amountBits = Num2Bits(80);
    amountBits.in <== amount;
    component toBits = Num2Bits(160);
    toBits.in <== to;

    component keyHash = PoseidonLean(2);
    keyHash.inputs[0] <== keyX;
    keyHash.inputs[1] <== keyY;
    component item = PoseidonLean(5);
    item.inputs[0] <== hashIn;
    item.inputs[1] <== kind;
    item.inputs[2] <== accountId;
    item.inputs[3] <== keyHash.out;
    item.inputs[4] <== amount * (1 << 160) + to;
    hashOut <== hashIn + en * (item.out - hashIn);

    component sel = OneHot(N);
    sel.idx <== slot;
    sel.en <== en;
    component id = Dot(N);
    component col[R];
    for (var f = 0; f < R; f++) col[f] = Dot(N);
    for (var i = 0; i < N; i++) {
        id.sel[i] <== sel.sel[i];
        id.v[i] <== index[i];
        for (var f = 0; f < R; f++) {
            col[f].sel[i] <== sel.sel[i];
            col[f].v[i] <== rows[i][f];
        }
    }
    id.out === en * accountId;

    component sameX = IsEqual();
    sameX.in[0] <== col[0].out;
    sameX.in[1] <== keyX;
    component sameY = IsEqual();
    sameY.in[0] <== col[1].out;
    sameY.in[1] <== keyY;
    signal keyMatch <== sameX.out * sameY.out;

    component e = Equity(M);
    component r = Requirement(M, IMF);
    e.collateral <== col[3].out;
    for (var m = 0; m < M; m++) {
        e.size[m] <== col[5 + 3 * m].out;
        e.entry[m] <== col[6 + 3 * m].out;
        e.snap[m] <== col[7 + 3 * m].out;
        e.mark[m] <== mark[m];
        e.F[m] <== F[m];
        r.size[m] <== col[5 + 3 * m].out;
        r.mark[m] <== mark[m];
    }
    // |equity − requirement| < 2^115 for leaves in range (Equity's note), so 116 signed bits hold it.
    component sign = SignBit(116);
    sign.x <== e.out - r.out;
    signal free <== sign.nonNeg * (e.out - r.out);
    component collBelow = LessThan(117);
    collBelow.in[0] <== col[3].out;
    collBelow.in[1] <== free;
    signal c <== free + collBelow.out * (col[3].out - free);
    component amountBelow = LessThan(117);
    amountBelow.in[0] <== amount;
    amountBelow.in[1] <== c;
    signal p <== c + amountBelow.out * (amount - c);
    signal wk <== isW.out * keyMatch;
    pay <== wk * p;

    for (var i = 0; i < N; i++) {
        for (var f = 0; f < R; f++) {
            if (f == 3) {
                rowsOut[i][f] <== rows[i][f] - sel.sel[i] * pay;
            } else {
                rowsOut[i][f] <== rows[i][f];
            }
        }
    }

    // The payment rides in the batch's withdrawal list, after the ops' withdrawals.
    component wd = OneHot(NW);
    wd.idx <== wdCountIn;
    wd.en <== isW.out;
    component wa = Dot(NW);
    component wt = Dot(NW);
    component wm = Dot(NW);
    for (var k = 0; k < NW; k++) {
        wa.sel[k] <== wd.sel[k];
        wa.v[k] <== wdAccount[k];
        wt.sel[k] <== wd.sel[k];
        wt.v[k] <== wdAddress[k];
        wm.sel[k] <== wd.sel[k];
        wm.v[k] <== wdAmount[k];
    }
    wa.out === isW.out * accountId;
    wt.out === isW.out * to;
    wm.out === pay;
    wdCountOut <== wdCountIn + isW.out;
}
