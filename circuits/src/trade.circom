pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";

// SignedParts(n): splits a signed field element x in (-2^(n-1), 2^(n-1)) into its sign and magnitude.
// Proves the range (a value outside it has no decomposition) and outputs neg = (x < 0), abs = |x|.
// Inputs: x. Outputs: neg, abs. Cost: n + 1 constraints.
// NOTE: n <= 252. x = -2^(n-1) is refused, as SignedRange refuses it.
template SignedParts(n) {
    signal input x;
    signal output neg;
    signal output abs;
    // x + 2^(n-1) lies in (0, 2^n); its top bit is 1 exactly when x >= 0.
    component bits = Num2Bits(n);
    bits.in <== x + (1 << (n - 1));
    neg <== 1 - bits.out[n - 1];
    abs <== x * (1 - 2 * neg);
    // The open lower end: x + 2^(n-1) = 0 would pass the bits with neg = 1 and abs = 2^(n-1).
    signal nonMin;
    nonMin <-- (x + (1 << (n - 1))) != 0 ? 1 / (x + (1 << (n - 1))) : 0;
    (x + (1 << (n - 1))) * nonMin === 1;
}

// ApplyTrade(): one account's position after a trade of signed size t (+ buy, - sell) at price,
// exactly as sequencer/engine/settlement.ts `applyTrade` computes it, funding already settled:
//   reducing = size != 0 and t has the other sign; closed = reducing ? min(|t|, |size|) : 0;
//   removed  = trunc(entry · closed / |size|) (toward zero, as BigInt division);
//   realised = -removed - sign(t)·closed·price;   (what collateral gets)
//   newSize  = size + t;  newEntry = entry - removed + sign(t)·(|t| - closed)·price.
// So collateral - entry moves by exactly -t·price, whatever the rounding: cash is neither made nor lost.
// Inputs: size (-2^47, 2^47), entry (-2^95, 2^95), t (-2^47, 2^47), price [0, 2^40).
// Outputs: newSize, newEntry, realised, closed, opened (|t| - closed), grew (1 if |newSize| > |size|
// or the sign flipped: the trade added risk), and the sign and magnitude of size and t.
// Cost: 477 constraints (test/circuits/trade.test.ts).
// NOTE: the caller range checks price and must range check newSize/newEntry before they are reused
// (the account table's SignedParts of the next trade, or the leaf's LeafRange, do it).
template ApplyTrade() {
    signal input size;
    signal input entry;
    signal input t;
    signal input price;
    signal output newSize;
    signal output newEntry;
    signal output realised;
    signal output closed;
    signal output opened;
    signal output grew;
    // The decompositions the caller needs too (an op reuses them rather than paying for its own).
    signal output sizeNeg;
    signal output sizeAbs;
    signal output tNeg;
    signal output tAbs;

    component s = SignedParts(48);
    s.x <== size;
    component tt = SignedParts(48);
    tt.x <== t;
    component e = SignedParts(96);
    e.x <== entry;
    sizeNeg <== s.neg;
    sizeAbs <== s.abs;
    tNeg <== tt.neg;
    tAbs <== tt.abs;

    component flat = IsZero();
    flat.in <== size;
    // Opposite signs: neg_s XOR neg_t.
    signal differ <== s.neg + tt.neg - 2 * s.neg * tt.neg;
    signal reducing <== differ * (1 - flat.out);

    component tSmaller = LessThan(48);
    tSmaller.in[0] <== tt.abs;
    tSmaller.in[1] <== s.abs;
    signal minAbs <== tSmaller.out * (tt.abs - s.abs) + s.abs;
    closed <== reducing * minAbs;

    // removed = sign(entry) · floor(|entry| · closed / |size|), the divisor made non-zero for a flat
    // position (closed is then 0, and so is the quotient).
    signal num <== e.abs * closed;
    var d = s.abs + flat.out;
    signal q;
    signal r;
    q <-- num \ d;
    r <-- num % d;
    num === q * d + r;
    // r in [0, d) and q < 2^96 (q <= |entry| as closed <= |size|): together they make the division exact.
    component rBits = Num2Bits(48);
    rBits.in <== r;
    component rBelow = LessThan(48);
    rBelow.in[0] <== r;
    rBelow.in[1] <== d;
    rBelow.out === 1;
    component qBits = Num2Bits(96);
    qBits.in <== q;
    signal removed <== q * (1 - 2 * e.neg);

    signal signT <== 1 - 2 * tt.neg;
    signal closedPrice <== closed * price;
    realised <== -removed - signT * closedPrice;

    opened <== tt.abs - closed;
    signal openedPrice <== opened * price;
    newSize <== size + t;
    newEntry <== entry - removed + signT * openedPrice;

    // Risk grew when anything opened: a trade on the same side, on a flat position, or through zero.
    component none = IsZero();
    none.in <== opened;
    grew <== 1 - none.out;
}
