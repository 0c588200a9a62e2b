// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title BabyJubjub
/// @notice The curve of the L2 keys (circomlib's EdDSA-Poseidon): a·x² + y² = 1 + d·x²·y² over the BN254
///         scalar field, a = 168700, d = 168696 (EIP-2494).
library BabyJubjub {
    uint256 internal constant P = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 internal constant A = 168700;
    uint256 internal constant D = 168696;

    /// @notice Whether (x, y) is a point of the curve with both coordinates reduced. It does not check the
    ///         prime-order subgroup (a scalar multiplication, too dear here): circomlib keys are in it.
    function isOnCurve(uint256 x, uint256 y) internal pure returns (bool) {
        if (x >= P || y >= P) return false;
        uint256 x2 = mulmod(x, x, P);
        uint256 y2 = mulmod(y, y, P);
        uint256 lhs = addmod(mulmod(A, x2, P), y2, P);
        uint256 rhs = addmod(1, mulmod(mulmod(D, x2, P), y2, P), P);
        return lhs == rhs;
    }
}
