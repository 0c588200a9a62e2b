// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice The function of snarkjs' exported Groth16 verifier for a circuit with one public input.
interface IGroth16Verifier {
    function verifyProof(
        uint256[2] calldata pA,
        uint256[2][2] calldata pB,
        uint256[2] calldata pC,
        uint256[1] calldata pubSignals
    ) external view returns (bool);
}
