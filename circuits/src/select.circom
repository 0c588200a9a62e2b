pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";

// OneHot(n): sel[i] = (en == 1 and idx == i). Proves each sel[i] is boolean, Σ sel = en and
// Σ i·sel[i] = idx·en, so with en = 1 exactly sel[idx] is set (idx must be < n) and with en = 0
// nothing is. How the proven transactions pick their account, message or slot in a table.
// Inputs: idx, en (boolean; the caller constrains it). Outputs: sel[n]. Cost: n + 2 constraints.
template OneHot(n) {
    signal input idx;
    signal input en;
    signal output sel[n];
    var sum = 0;
    var weighted = 0;
    for (var i = 0; i < n; i++) {
        sel[i] <-- (en == 1 && idx == i) ? 1 : 0;
        sel[i] * (sel[i] - 1) === 0;
        sum += sel[i];
        weighted += i * sel[i];
    }
    sum === en;
    weighted === idx * en;
}

// Dot(n): out = Σ sel[i] · v[i], one table column read through a one-hot selector.
// Inputs: sel[n], v[n]. Output: out. Cost: n constraints.
template Dot(n) {
    signal input sel[n];
    signal input v[n];
    signal output out;
    signal p[n];
    var acc = 0;
    for (var i = 0; i < n; i++) {
        p[i] <== sel[i] * v[i];
        acc += p[i];
    }
    out <== acc;
}

// SignBit(n): nonNeg = (x >= 0) for a signed field element x in (-2^(n-1), 2^(n-1)); a value outside
// has no decomposition. Inputs: x. Output: nonNeg. Cost: n constraints. NOTE: n <= 252.
template SignBit(n) {
    signal input x;
    signal output nonNeg;
    component bits = Num2Bits(n);
    bits.in <== x + (1 << (n - 1));
    nonNeg <== bits.out[n - 1];
}

// Boolean(): in * (in - 1) == 0. Cost: 1 constraint.
template Boolean() {
    signal input in;
    in * (in - 1) === 0;
}
