pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "poseidon.circom";
include "select.circom";
include "signature.circom";

// PriceSlot(MARKET, BAND_BPS, CAP_PPB, MIN_GAP_MS): market MARKET's prices for a batch (docs/PROOF.md
// "Prices"). old = [index, mark, F, openInterest, priceTime, fundingTime]; the slot outputs the new
// fields. When enabled: the keeper (keyX, keyY) signed Poseidon(4, MARKET, price, timestampMs), the
// SPEC.md price message; the timestamp is after the last one; the index becomes the price; the mark
// (an input) is within BAND_BPS of it; the funding index (an input) either stays, or moves by at
// most CAP_PPB·index/10^9 once MIN_GAP_MS has passed since it last moved, which restarts that clock.
// When disabled nothing changes. Open interest passes through (the ops move it).
// Inputs: enabled, old[6], price, timestampMs, mark, F, R8x, R8y, S, keyX, keyY. Output: out[6].
// Cost: SignatureCheck + PoseidonLean(4) + ~460 constraints.
template PriceSlot(MARKET, BAND_BPS, CAP_PPB, MIN_GAP_MS) {
    signal input enabled;
    signal input old[6];
    signal input price;
    signal input timestampMs;
    signal input mark;
    signal input F;
    signal input R8x;
    signal input R8y;
    signal input S;
    signal input keyX;
    signal input keyY;
    signal output out[6];

    enabled * (enabled - 1) === 0;
    component msg = PoseidonLean(4);
    msg.inputs[0] <== 4;
    msg.inputs[1] <== MARKET;
    msg.inputs[2] <== price;
    msg.inputs[3] <== timestampMs;
    component sig = SignatureCheck();
    sig.enabled <== enabled;
    sig.Ax <== keyX;
    sig.Ay <== keyY;
    sig.S <== S;
    sig.R8x <== R8x;
    sig.R8y <== R8y;
    sig.msg <== msg.out;

    component priceBits = Num2Bits(40);
    priceBits.in <== price;
    component markBits = Num2Bits(40);
    markBits.in <== mark;
    component tsBits = Num2Bits(48);
    tsBits.in <== timestampMs;
    component zeroPrice = IsZero();
    zeroPrice.in <== price;
    enabled * zeroPrice.out === 0;

    // Keeper timestamps only move forward: an old price cannot be replayed to move the mark back.
    component later = LessThan(48);
    later.in[0] <== enabled * old[4];
    later.in[1] <== enabled * timestampMs;
    later.out === enabled;

    // |mark - index| · 10000 <= BAND_BPS · index.
    component band = LessEqThan(60);
    signal markGap <== enabled * (mark - price);
    component gapParts = SignBit(42);
    gapParts.x <== markGap;
    signal absGap <== markGap * (2 * gapParts.nonNeg - 1);
    band.in[0] <== absGap * 10000;
    band.in[1] <== enabled * price * BAND_BPS;
    band.out === 1;

    // Funding: unchanged, or one bounded step after the minimum gap.
    signal dF <== enabled * (F - old[2]);
    component moved = IsZero();
    moved.in <== dF;
    signal changed <== 1 - moved.out;
    component fParts = SignBit(66);
    fParts.x <== dF;
    signal absF <== dF * (2 * fParts.nonNeg - 1);
    component capOk = LessEqThan(100);
    capOk.in[0] <== absF * 1000000000;
    capOk.in[1] <== enabled * price * CAP_PPB;
    capOk.out === 1;
    component gapOk = LessEqThan(48);
    gapOk.in[0] <== changed * (old[5] + MIN_GAP_MS);
    gapOk.in[1] <== changed * timestampMs;
    gapOk.out === 1;

    out[0] <== old[0] + enabled * (price - old[0]);
    out[1] <== old[1] + enabled * (mark - old[1]);
    out[2] <== old[2] + dF;
    out[3] <== old[3];
    out[4] <== old[4] + enabled * (timestampMs - old[4]);
    out[5] <== old[5] + changed * (timestampMs - old[5]);
}
