pragma circom 2.1.0;

include "poseidon.circom";
include "range.circom";

// HashChain(K): the L1 queue chains of SPEC.md over K slots (deposits and withdrawals share it):
// h_{k+1} = enabled_k ? Poseidon(h_k, a_k, b_k, amount_k) : h_k, starting from `start`.
// Proves: enabled is boolean and a prefix (enabled_k <= enabled_{k-1}); a disabled slot has
// amount 0; every amount is in [0, 2^80). Outputs the final hash and the sum of the amounts.
// Inputs: start, enabled[K], a[K], b[K], amount[K]. Outputs: out, total.
// Cost: K * (PoseidonLean(4) + 80 + 4) constraints (~390 per slot).
// NOTE: amount > 0 for an enabled deposit is the L1 contract's check, not this circuit's.
template HashChain(K) {
    signal input start;
    signal input enabled[K];
    signal input a[K];
    signal input b[K];
    signal input amount[K];
    signal output out;
    signal output total;

    signal h[K + 1];
    component step[K];
    component amountRange[K];
    var sum = 0;
    h[0] <== start;
    for (var k = 0; k < K; k++) {
        enabled[k] * (enabled[k] - 1) === 0;
        if (k > 0) enabled[k] * (1 - enabled[k - 1]) === 0;
        amount[k] * (1 - enabled[k]) === 0;
        amountRange[k] = UnsignedRange(80);
        amountRange[k].in <== amount[k];

        step[k] = PoseidonLean(4);
        step[k].inputs[0] <== h[k];
        step[k].inputs[1] <== a[k];
        step[k].inputs[2] <== b[k];
        step[k].inputs[3] <== amount[k];
        h[k + 1] <== h[k] + enabled[k] * (step[k].out - h[k]);
        sum += amount[k];
    }
    out <== h[K];
    total <== sum;
}
