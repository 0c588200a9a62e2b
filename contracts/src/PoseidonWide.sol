// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title PoseidonWide
/// @notice circomlib's Poseidon for any width, with the constants passed in memory. poseidon-solidity
///         unrolls each width into its own library with every constant inlined, which stops fitting in
///         24 KB of code past 5 inputs; the leaf (4 + 3M inputs) and the global state (3M + 2) are wider.
///         contracts/generated/PoseidonN.sol (node/l1/poseidon-sol.ts) feeds this with circomlibjs'
///         constants. It costs ≈ 0.5M gas at 10 inputs, so it is meant for one-off hashes such as the
///         genesis check, not for every batch.
/// @dev The optimised form of circomlibjs poseidon_opt.js (the one sequencer/crypto/poseidon.ts runs too;
///      it equals poseidon_reference.js): 4 full rounds, the partial rounds with sparse matrices S (O(t)
///      each instead of O(t²)), 4 full rounds. `constants` is, in 32-byte words:
///        C  (8t + partialRounds)  round constants, consumed in order
///        MT (t·t)                 the MDS matrix as used, row i = output i: MT[i][j] = M[j][i]
///        PT (t·t)                 the pre-sparse matrix, transposed the same way
///        S  (partialRounds·(2t-1)) per partial round: t weights of the new word 0, t-1 factors
library PoseidonWide {
    uint256 internal constant F = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 internal constant FULL_ROUNDS = 8;

    /// @notice Thrown when `constants` does not have the layout's word count for t = inputs + 1.
    error BadPoseidonConstants(uint256 inputs, uint256 bytesGiven);

    /// @param inputs 1..16 field elements (reduced mod p, as circomlibjs does).
    /// @param constants See the layout above.
    /// @param partialRounds N_ROUNDS_P[t-2].
    function hash(uint256[] memory inputs, bytes memory constants, uint256 partialRounds)
        internal
        pure
        returns (uint256 out)
    {
        uint256 t = inputs.length + 1;
        uint256 words = FULL_ROUNDS * t + partialRounds + 2 * t * t + partialRounds * (2 * t - 1);
        if (inputs.length == 0 || constants.length != words * 32) {
            revert BadPoseidonConstants(inputs.length, constants.length);
        }
        uint256[] memory state = new uint256[](t);
        uint256[] memory next = new uint256[](t);
        for (uint256 i = 0; i < inputs.length; i++) {
            state[i + 1] = inputs[i] % F;
        }
        assembly ("memory-safe") {
            // s_i += c[i]; returns the next unread constant.
            function ark(s, w, c) -> c2 {
                for { let p := s } lt(p, add(s, w)) { p := add(p, 0x20) } {
                    mstore(p, addmod(mload(p), mload(c), F))
                    c := add(c, 0x20)
                }
                c2 := c
            }
            function pow5(x) -> y {
                let x2 := mulmod(x, x, F)
                y := mulmod(mulmod(x2, x2, F), x, F)
            }
            function sbox(s, w) {
                for { let p := s } lt(p, add(s, w)) { p := add(p, 0x20) } { mstore(p, pow5(mload(p))) }
            }
            // dst_i = Σ_j mat[i][j] · src_j, mat row-major.
            function mix(src, dst, w, mat) {
                for { let q := dst } lt(q, add(dst, w)) { q := add(q, 0x20) } {
                    let acc := 0
                    for { let p := src } lt(p, add(src, w)) { p := add(p, 0x20) } {
                        acc := addmod(acc, mulmod(mload(mat), mload(p), F), F)
                        mat := add(mat, 0x20)
                    }
                    mstore(q, acc)
                }
            }

            let w := mul(t, 0x20)
            let c := add(constants, 0x20)
            let mt := add(c, mul(add(mul(FULL_ROUNDS, t), partialRounds), 0x20))
            let pt := add(mt, mul(mul(t, t), 0x20))
            let sp := add(pt, mul(mul(t, t), 0x20))
            let s := add(state, 0x20)
            let n := add(next, 0x20)
            let tmp := 0

            c := ark(s, w, c)
            for { let r := 1 } lt(r, div(FULL_ROUNDS, 2)) { r := add(r, 1) } {
                sbox(s, w)
                c := ark(s, w, c)
                mix(s, n, w, mt)
                tmp := s
                s := n
                n := tmp
            }
            sbox(s, w)
            c := ark(s, w, c)
            mix(s, n, w, pt)
            tmp := s
            s := n
            n := tmp

            for { let r := 0 } lt(r, partialRounds) { r := add(r, 1) } {
                let s0 := addmod(pow5(mload(s)), mload(c), F)
                c := add(c, 0x20)
                mstore(s, s0)
                // The new word 0 is a dot product with the whole state ...
                let acc := 0
                for { let p := s } lt(p, add(s, w)) { p := add(p, 0x20) } {
                    acc := addmod(acc, mulmod(mload(sp), mload(p), F), F)
                    sp := add(sp, 0x20)
                }
                // ... and every other word only gains a multiple of the old word 0.
                for { let p := add(s, 0x20) } lt(p, add(s, w)) { p := add(p, 0x20) } {
                    mstore(p, addmod(mload(p), mulmod(s0, mload(sp), F), F))
                    sp := add(sp, 0x20)
                }
                mstore(s, acc)
            }

            for { let r := 1 } lt(r, div(FULL_ROUNDS, 2)) { r := add(r, 1) } {
                sbox(s, w)
                c := ark(s, w, c)
                mix(s, n, w, mt)
                tmp := s
                s := n
                n := tmp
            }
            sbox(s, w)
            mix(s, n, w, mt)
            out := mload(n)
        }
    }
}
