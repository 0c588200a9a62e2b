// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice TEST DOUBLE of the snarkjs Groth16 verifier, for tests of the rollup's non-verifier logic.
///         Its answer is set by the test: accept everything (the default, used by the TS e2e tests), reject
///         everything, or accept only one expected public hash and data (to check the rollup computes and
///         forwards them right). The real-proof path is tested with the generated verifier in RollupProof.t.sol.
/// @dev A fallback, because the generated verifier's `verifyProof` takes `uint256[1 + dataWords]`, whose
///      selector depends on the instance: the double answers any of them. Calldata: selector, 8 proof words,
///      the public hash, the data words.
contract VerifierDouble {
    enum Mode {
        AcceptAll,
        RejectAll,
        AcceptOnly
    }

    Mode public mode;
    uint256 public expectedInput;
    /// @dev keccak256 of the data words expected after the public hash (0: any).
    bytes32 public expectedData;
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
        expectedData = 0;
    }

    function acceptOnlyWith(uint256 publicInput, uint256[] calldata data) external {
        mode = Mode.AcceptOnly;
        expectedInput = publicInput;
        expectedData = keccak256(abi.encodePacked(data));
    }

    /// @notice Make verifyProof revert rather than return false (some verifiers do on malformed points).
    function setRevert(bool r) external {
        revertInstead = r;
    }

    fallback(bytes calldata input) external returns (bytes memory) {
        if (revertInstead) revert("VerifierDouble: revert");
        if (mode == Mode.AcceptAll) return abi.encode(true);
        if (mode == Mode.RejectAll) return abi.encode(false);
        uint256 pub = abi.decode(input[4 + 8 * 32:4 + 9 * 32], (uint256));
        bool dataOk = expectedData == 0 || keccak256(input[4 + 9 * 32:]) == expectedData;
        return abi.encode(pub == expectedInput && dataOk);
    }
}
