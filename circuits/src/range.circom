pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";

// UnsignedRange(n): proves 0 <= in < 2^n (as integers, in is a field element).
// Inputs: in. Cost: n constraints (Num2Bits).
// NOTE: n must be <= 252 so the bit sum cannot wrap around p.
template UnsignedRange(n) {
    signal input in;
    component bits = Num2Bits(n);
    bits.in <== in;
}

// SignedRange(n): proves -2^(n-1) < in < 2^(n-1) with in encoded as a signed field element (x mod p).
// Shifts by 2^(n-1) and proves the shifted value is in (0, 2^n): the open lower end keeps the
// interval symmetric, as SPEC.md asks (e.g. size in (-2^47, 2^47)).
// Inputs: in. Cost: n + 1 constraints.
// NOTE: n must be <= 252.
template SignedRange(n) {
    signal input in;
    var shifted = in + (1 << (n - 1));
    component bits = Num2Bits(n);
    bits.in <== shifted;
    // shifted != 0: an inverse exists only for a non-zero value.
    signal inv;
    inv <-- shifted != 0 ? 1 / shifted : 0;
    shifted * inv === 1;
}
