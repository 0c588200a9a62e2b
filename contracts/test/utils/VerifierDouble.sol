// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice TEST DOUBLE of the snarkjs Groth16 verifier, for tests of the rollup's non-verifier logic.
///         Its answer is set by the test: accept everything (the default, used by the TS e2e tests), reject
///         everything, or accept only one expected public input (to check the rollup computes it right).
///         The real-proof path is tested with the generated verifier in RollupProof.t.sol.
contract VerifierDouble {
    enum Mode {
        AcceptAll,
        RejectAll,
        AcceptOnly
    }

    Mode public mode;
    uint256 public expectedInput;
    bool public revertInstead;

    function acceptAll() external {
        mode = Mode.AcceptAll;
    }

    function rejectAll() external {
        mode = Mode.RejectAll;
    }

    function acceptOnly(uint256 publicInput) external {
        mode = Mode.AcceptOnly;
        expectedInput = publicInput;
    }

    /// @notice Make verifyProof revert rather than return false (some verifiers do on malformed points).
    function setRevert(bool r) external {
        revertInstead = r;
    }

    function verifyProof(uint256[2] calldata, uint256[2][2] calldata, uint256[2] calldata, uint256[1] calldata pub)
        external
        view
        returns (bool)
    {
        if (revertInstead) revert("VerifierDouble: revert");
        if (mode == Mode.AcceptAll) return true;
        if (mode == Mode.RejectAll) return false;
        return pub[0] == expectedInput;
    }
}
