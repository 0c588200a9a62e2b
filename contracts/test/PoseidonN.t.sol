// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "./utils/Test.sol";
import {PoseidonN} from "../generated/PoseidonN.sol";
import {PoseidonWide} from "../src/PoseidonWide.sol";

/// @dev External entry points so a revert inside the library surfaces to vm.expectRevert.
contract PoseidonNHarness {
    function hash(uint256[] memory inputs) external pure returns (uint256) {
        return PoseidonN.hash(inputs);
    }

    function wide(uint256[] memory inputs, bytes memory constants, uint256 partialRounds)
        external
        pure
        returns (uint256)
    {
        return PoseidonWide.hash(inputs, constants, partialRounds);
    }
}

/// @notice The generated wide Poseidon against test/vectors/poseidon.json (circomlibjs, the reference the TS
///         Poseidon is tested against too): five vectors per width, zeros, 1..n, p - 1 and random fields.
contract PoseidonNTest is Test {
    uint256 internal constant VECTORS_PER_WIDTH = 5;
    PoseidonNHarness internal h;
    string internal vectors;

    function setUp() public {
        h = new PoseidonNHarness();
        vectors = vm.readFile(string.concat(vm.projectRoot(), "/../test/vectors/poseidon.json"));
    }

    function test_hash_matchesCircomlibjsVectorsAtEveryGeneratedWidth() public view {
        uint256[] memory ws = PoseidonN.widths();
        assertTrue(ws.length >= 2, "a leaf and a global width are generated");
        for (uint256 w = 0; w < ws.length; w++) {
            for (uint256 k = 0; k < VECTORS_PER_WIDTH; k++) {
                string memory at = string.concat(".vectors[", vm.toString((ws[w] - 1) * VECTORS_PER_WIDTH + k), "]");
                uint256[] memory inputs = vm.parseJsonUintArray(vectors, string.concat(at, ".inputs"));
                assertEq(inputs.length, ws[w], "vector width");
                assertEq(h.hash(inputs), vm.parseJsonUint(vectors, string.concat(at, ".output")), "Poseidon output");
            }
        }
    }

    function test_hash_revertsOnAWidthThatWasNotGenerated() public {
        uint256[] memory inputs = new uint256[](3);
        vm.expectRevert(abi.encodeWithSelector(PoseidonN.PoseidonWidthNotBuilt.selector, 3));
        h.hash(inputs);
    }

    function test_wide_revertsOnConstantsOfTheWrongLength() public {
        uint256[] memory inputs = new uint256[](2);
        vm.expectRevert(abi.encodeWithSelector(PoseidonWide.BadPoseidonConstants.selector, 2, 64));
        h.wide(inputs, new bytes(64), 57);
    }

    function test_gas_hashOfEachGeneratedWidth() public {
        uint256[] memory ws = PoseidonN.widths();
        for (uint256 w = 0; w < ws.length; w++) {
            uint256[] memory inputs = new uint256[](ws[w]);
            h.hash(inputs);
            emit log_named_uint(
                string.concat("PoseidonN.hash, inputs: ", vm.toString(ws[w])),
                vm.snapshotGasLastCall(string.concat("poseidonN_", vm.toString(ws[w])))
            );
        }
    }
}
