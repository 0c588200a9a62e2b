pragma circom 2.1.0;

include "circomlib/circuits/poseidon_constants.circom";

// PoseidonLean(nInputs): the same function as circomlib's Poseidon(nInputs) (same constants, same
// optimised round structure as PoseidonEx with initialState 0 and one output), written so that the
// linear layers (round constants, MDS and sparse partial-round matrices) stay symbolic `var`
// expressions instead of intermediate signals. Under --O1 circomlib's template emits a linear
// constraint per state word per round (~60% of its constraints); this one emits only the S-boxes.
// Inputs: inputs[nInputs]. Output: out.
// Cost: 3 * (8 * t + nRoundsP) constraints, t = nInputs + 1 (Poseidon(2): 243), plus the linear
// output constraint when --O1 cannot fold it into its user.
// NOTE: nInputs must be in 1..16. Equality with circomlib's Poseidon is tested against
// circomlibjs in test/circuits (any difference breaks the publicHash check).
template PoseidonLean(nInputs) {
    signal input inputs[nInputs];
    signal output out;

    var N_ROUNDS_P[16] = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68];
    var t = nInputs + 1;
    var nRoundsF = 8;
    var nRoundsP = N_ROUNDS_P[t - 2];
    var C[t * nRoundsF + nRoundsP] = POSEIDON_C(t);
    var S[N_ROUNDS_P[t - 2] * (t * 2 - 1)] = POSEIDON_S(t);
    var M[t][t] = POSEIDON_M(t);
    var P[t][t] = POSEIDON_P(t);

    // x^5 S-boxes: x2 = x*x, x4 = x2*x2, x5 = x4*x, x a linear expression of earlier signals.
    signal f2[nRoundsF][t];
    signal f4[nRoundsF][t];
    signal f5[nRoundsF][t];
    signal p2[nRoundsP];
    signal p4[nRoundsP];
    signal p5[nRoundsP];

    var state[t];
    var next[t];
    state[0] = 0;
    for (var j = 1; j < t; j++) state[j] = inputs[j - 1];
    for (var j = 0; j < t; j++) state[j] += C[j];

    // First half of the full rounds; the last of them mixes with P (the partial-round pre-matrix).
    for (var r = 0; r < nRoundsF \ 2; r++) {
        for (var j = 0; j < t; j++) {
            f2[r][j] <== state[j] * state[j];
            f4[r][j] <== f2[r][j] * f2[r][j];
            f5[r][j] <== f4[r][j] * state[j];
            state[j] = f5[r][j] + C[(r + 1) * t + j];
        }
        for (var i = 0; i < t; i++) {
            next[i] = 0;
            for (var j = 0; j < t; j++) {
                if (r < nRoundsF \ 2 - 1) {
                    next[i] += M[j][i] * state[j];
                } else {
                    next[i] += P[j][i] * state[j];
                }
            }
        }
        for (var i = 0; i < t; i++) state[i] = next[i];
    }

    // Partial rounds with the sparse matrices S.
    for (var r = 0; r < nRoundsP; r++) {
        p2[r] <== state[0] * state[0];
        p4[r] <== p2[r] * p2[r];
        p5[r] <== p4[r] * state[0];
        state[0] = p5[r] + C[(nRoundsF \ 2 + 1) * t + r];
        next[0] = 0;
        for (var i = 0; i < t; i++) next[0] += S[(t * 2 - 1) * r + i] * state[i];
        for (var i = 1; i < t; i++) next[i] = state[i] + state[0] * S[(t * 2 - 1) * r + t + i - 1];
        for (var i = 0; i < t; i++) state[i] = next[i];
    }

    // Second half of the full rounds; the last one has no round constants and keeps output 0 only.
    for (var r = 0; r < nRoundsF \ 2; r++) {
        var R = nRoundsF \ 2 + r;
        for (var j = 0; j < t; j++) {
            f2[R][j] <== state[j] * state[j];
            f4[R][j] <== f2[R][j] * f2[R][j];
            f5[R][j] <== f4[R][j] * state[j];
            if (r < nRoundsF \ 2 - 1) {
                state[j] = f5[R][j] + C[(nRoundsF \ 2 + 1) * t + nRoundsP + r * t + j];
            } else {
                state[j] = f5[R][j];
            }
        }
        if (r < nRoundsF \ 2 - 1) {
            for (var i = 0; i < t; i++) {
                next[i] = 0;
                for (var j = 0; j < t; j++) next[i] += M[j][i] * state[j];
            }
            for (var i = 0; i < t; i++) state[i] = next[i];
        }
    }

    var lc = 0;
    for (var j = 0; j < t; j++) lc += M[j][0] * state[j];
    out <== lc;
}
