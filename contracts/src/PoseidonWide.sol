// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title PoseidonWide
/// @notice circomlib's Poseidon for any width, with the round constants and the MDS matrix passed in
///         memory. poseidon-solidity unrolls each width into its own library with every constant inlined,
///         which stops fitting in 24 KB of code past 5 inputs; the leaf (4 + 3M inputs) and the global
///         state (3M + 2) are wider. contracts/generated/PoseidonN.sol (node/l1/poseidon-sol.ts) feeds
///         this loop with circomlibjs' constants. It is slow (≈ 60 gas per MDS term), so it is meant for
///         one-off hashes such as the genesis check, not for every batch.
/// @dev Mirrors circomlibjs poseidon_reference.js: state = [0, inputs...]; each of the 8 + partialRounds
///      rounds adds the round constants, applies x^5 to every word in the first and last 4 rounds and to
///      word 0 in between, then multiplies by M (state'_i = Σ_j M[i][j] · state_j). Output is state_0.
library PoseidonWide {
    uint256 internal constant F = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 internal constant FULL_ROUNDS = 8;

    /// @notice Thrown when `constants` does not have exactly (8 + partialRounds)·t + t·t words for t = n + 1.
    error BadPoseidonConstants(uint256 inputs, uint256 bytesGiven);

    /// @param inputs 1..16 field elements (reduced mod p, as circomlibjs does).
    /// @param constants The round constants C[t-2] (round-major) followed by M[t-2] (row-major), 32-byte words.
    /// @param partialRounds N_ROUNDS_P[t-2].
    function hash(uint256[] memory inputs, bytes memory constants, uint256 partialRounds)
        internal
        pure
        returns (uint256 out)
    {
        uint256 t = inputs.length + 1;
        uint256 rounds = FULL_ROUNDS + partialRounds;
        if (inputs.length == 0 || constants.length != (rounds * t + t * t) * 32) {
            revert BadPoseidonConstants(inputs.length, constants.length);
        }
        uint256[] memory state = new uint256[](t);
        uint256[] memory next = new uint256[](t);
        for (uint256 i = 0; i < inputs.length; i++) {
            state[i + 1] = inputs[i] % F;
        }
        uint256 firstPartial = FULL_ROUNDS / 2;
        uint256 lastPartial = firstPartial + partialRounds;
        assembly ("memory-safe") {
            let c := add(constants, 0x20)
            let m := add(c, mul(mul(rounds, t), 0x20))
            let s := add(state, 0x20)
            let n := add(next, 0x20)
            let end := add(s, mul(t, 0x20))
            for { let r := 0 } lt(r, rounds) { r := add(r, 1) } {
                // Add the round constants.
                for { let p := s } lt(p, end) { p := add(p, 0x20) } {
                    mstore(p, addmod(mload(p), mload(c), F))
                    c := add(c, 0x20)
                }
                // S-box x^5: every word in a full round, word 0 in a partial one.
                let sEnd := add(s, 0x20)
                if or(lt(r, firstPartial), iszero(lt(r, lastPartial))) { sEnd := end }
                for { let p := s } lt(p, sEnd) { p := add(p, 0x20) } {
                    let x := mload(p)
                    let x2 := mulmod(x, x, F)
                    mstore(p, mulmod(mulmod(x2, x2, F), x, F))
                }
                // Mix: next_i = Σ_j M[i][j] · state_j.
                let row := m
                for { let q := n } lt(q, add(n, mul(t, 0x20))) { q := add(q, 0x20) } {
                    let acc := 0
                    for { let p := s } lt(p, end) { p := add(p, 0x20) } {
                        acc := addmod(acc, mulmod(mload(row), mload(p), F), F)
                        row := add(row, 0x20)
                    }
                    mstore(q, acc)
                }
                // Swap the buffers.
                let tmp := s
                s := n
                n := tmp
                end := add(s, mul(t, 0x20))
            }
            out := mload(s)
        }
    }
}
