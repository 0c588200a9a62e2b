// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";
import {PoseidonT6} from "poseidon-solidity/PoseidonT6.sol";
import {Test} from "./utils/Test.sol";

/// @notice What binding a batch's 44 data words (the default instance, docs/SPEC.md "Published batch data")
///         would cost as a hash the contract recomputes, against the packed public inputs Rollup.sol passes to
///         the verifier. A public input costs the verifier one ecMul (6,000 gas) and one ecAdd (150) when it is
///         not zero; these figures are the other choice's side. BENCHMARKS.md "Checked data availability".
contract DataBindingGasTest is Test {
    uint256 internal constant WORDS = 44;

    function _words() internal pure returns (uint256[] memory w) {
        w = new uint256[](WORDS);
        for (uint256 i = 0; i < WORDS; i++) {
            w[i] = uint256(keccak256(abi.encode(i))) >> 8;
        }
    }

    /// @dev A Poseidon chain two words at a time: h = Poseidon(h, a, b) would need T4; T3 takes one word per call.
    function test_gas_poseidonChainT3() public {
        uint256[] memory w = _words();
        uint256 g = gasleft();
        uint256 h;
        for (uint256 i = 0; i < WORDS; i++) {
            h = PoseidonT3.hash([h, w[i]]);
        }
        uint256 used = g - gasleft();
        emit log_named_uint("Poseidon chain over 44 words, T3 (gas)", used);
        assertTrue(h != 0, "hashed");
    }

    /// @dev The widest poseidon-solidity has: the chain absorbs four words per call.
    function test_gas_poseidonChainT6() public {
        uint256[] memory w = _words();
        uint256 g = gasleft();
        uint256 h;
        for (uint256 i = 0; i < WORDS; i += 4) {
            h = PoseidonT6.hash([h, w[i], w[i + 1], w[i + 2], w[i + 3]]);
        }
        uint256 used = g - gasleft();
        emit log_named_uint("Poseidon chain over 44 words, T6 (gas)", used);
        assertTrue(h != 0, "hashed");
    }

    /// @dev The marginal verifier cost of one non-zero public input, measured on the precompiles.
    function test_gas_ecMulAddPerInput() public {
        uint256[3] memory mulIn = [uint256(1), uint256(2), uint256(keccak256("s")) >> 8];
        uint256 g = gasleft();
        (bool ok, bytes memory out) = address(7).staticcall(abi.encode(mulIn[0], mulIn[1], mulIn[2]));
        (uint256 x, uint256 y) = abi.decode(out, (uint256, uint256));
        (bool ok2,) = address(6).staticcall(abi.encode(x, y, uint256(1), uint256(2)));
        uint256 used = g - gasleft();
        assertTrue(ok && ok2, "precompiles answered");
        emit log_named_uint("ecMul + ecAdd per public input (gas)", used);
    }
}
