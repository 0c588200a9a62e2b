// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "./utils/Test.sol";
import {DesertExit} from "../src/DesertExit.sol";

/// @dev External entry points, so each call's gas can be measured and a library revert surfaces.
contract DesertExitHarness {
    function leafHash(uint256[] memory fields) external pure returns (uint256) {
        return DesertExit.leafHash(fields);
    }

    function accountsRoot(uint256 index, uint256 leaf, uint256[] memory siblings) external pure returns (uint256) {
        return DesertExit.accountsRoot(index, leaf, siblings);
    }

    /// @dev What an exit recomputes of its account: the leaf hash, then the root of its path.
    function leafRoot(uint256 index, uint256[] memory fields, uint256[] memory siblings)
        external
        pure
        returns (uint256)
    {
        return DesertExit.accountsRoot(index, DesertExit.leafHash(fields), siblings);
    }

    function marketHash(uint256[6] memory f) external pure returns (uint256) {
        return DesertExit.marketHash(f);
    }

    function globalRoot(uint256[] memory fields) external pure returns (uint256) {
        return DesertExit.globalRoot(fields);
    }

    function payout(uint256[] memory leafFields, uint256[] memory indexPrices, uint256[] memory fundingIndexes)
        external
        pure
        returns (uint256)
    {
        return DesertExit.payout(leafFields, indexPrices, fundingIndexes);
    }

    function stateRoot(uint256 accounts, uint256 global) external pure returns (uint256) {
        return DesertExit.stateRoot(accounts, global);
    }

    function marketPrices(uint256[] memory globalFields)
        external
        pure
        returns (uint256[] memory indexPrices, uint256[] memory fundingIndexes)
    {
        return DesertExit.marketPrices(globalFields);
    }

    function toSigned(uint256 x) external pure returns (int256) {
        return DesertExit.toSigned(x);
    }
}

/// @notice DesertExit against test/vectors/l1-exit.json (contracts/script/gen-l1-vectors.ts): leaves, paths and
///         roots of ProofChain trees of depth 4, 16 (M = 2) and 8 (M = 1), and the TS payouts.
contract DesertExitTest is Test {
    uint256 internal constant P = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    DesertExitHarness internal h;
    string internal vectors;

    function setUp() public {
        h = new DesertExitHarness();
        vectors = vm.readFile(string.concat(vm.projectRoot(), "/../test/vectors/l1-exit.json"));
    }

    function _tree(uint256 t) internal pure returns (string memory) {
        return string.concat(".trees[", vm.toString(t), "]");
    }

    function _leaf(uint256 t, uint256 l) internal pure returns (string memory) {
        return string.concat(_tree(t), ".leaves[", vm.toString(l), "]");
    }

    function _uint(string memory key) internal view returns (uint256) {
        return vm.parseJsonUint(vectors, key);
    }

    function _uints(string memory key) internal view returns (uint256[] memory) {
        return vm.parseJsonUintArray(vectors, key);
    }

    function test_leafHashAndAccountsRoot_matchTheTsTrees() public view {
        uint256 trees = _uint(".treeCount");
        for (uint256 t = 0; t < trees; t++) {
            uint256 root = _uint(string.concat(_tree(t), ".accountsRoot"));
            uint256 depth = _uint(string.concat(_tree(t), ".depth"));
            uint256 leaves = _uint(string.concat(_tree(t), ".leafCount"));
            for (uint256 l = 0; l < leaves; l++) {
                string memory at = _leaf(t, l);
                uint256 leaf = h.leafHash(_uints(string.concat(at, ".fields")));
                assertEq(leaf, _uint(string.concat(at, ".leafHash")), "leaf hash");
                uint256[] memory siblings = _uints(string.concat(at, ".siblings"));
                assertEq(siblings.length, depth, "path length");
                assertEq(h.accountsRoot(_uint(string.concat(at, ".id")), leaf, siblings), root, "accounts root");
            }
        }
    }

    function test_globalRootStateRootAndMarketPrices_matchTheTsChain() public view {
        uint256 trees = _uint(".treeCount");
        for (uint256 t = 0; t < trees; t++) {
            uint256[] memory fields = _uints(string.concat(_tree(t), ".globalFields"));
            uint256[] memory markets = _uints(string.concat(_tree(t), ".marketHashes"));
            for (uint256 m = 0; m < markets.length; m++) {
                uint256[6] memory f;
                for (uint256 j = 0; j < 6; j++) {
                    f[j] = fields[6 * m + j];
                }
                assertEq(h.marketHash(f), markets[m], "market hash");
            }
            uint256 global = h.globalRoot(fields);
            assertEq(global, _uint(string.concat(_tree(t), ".globalRoot")), "global root");
            uint256 accounts = _uint(string.concat(_tree(t), ".accountsRoot"));
            assertEq(h.stateRoot(accounts, global), _uint(string.concat(_tree(t), ".stateRoot")), "state root");
            (uint256[] memory prices, uint256[] memory funding) = h.marketPrices(fields);
            uint256[] memory wantPrices = _uints(string.concat(_tree(t), ".indexPrices"));
            uint256[] memory wantFunding = _uints(string.concat(_tree(t), ".fundingIndexes"));
            assertEq(prices.length, wantPrices.length, "markets");
            for (uint256 m = 0; m < prices.length; m++) {
                assertEq(prices[m], wantPrices[m], "index price");
                assertEq(funding[m], wantFunding[m], "funding index");
            }
        }
    }

    function test_payout_matchesTheTsPayoutsIncludingNegativeEquity() public view {
        uint256 trees = _uint(".treeCount");
        uint256 zeros;
        for (uint256 t = 0; t < trees; t++) {
            uint256[] memory prices = _uints(string.concat(_tree(t), ".indexPrices"));
            uint256[] memory funding = _uints(string.concat(_tree(t), ".fundingIndexes"));
            uint256 leaves = _uint(string.concat(_tree(t), ".leafCount"));
            for (uint256 l = 0; l < leaves; l++) {
                string memory at = _leaf(t, l);
                uint256 want = _uint(string.concat(at, ".payout"));
                assertEq(h.payout(_uints(string.concat(at, ".fields")), prices, funding), want, "payout");
                if (want == 0) zeros++;
            }
        }
        assertTrue(zeros > 0, "some vector has negative equity");
    }

    function test_accountsRoot_differsForATamperedSiblingOrIndex() public view {
        string memory at = _leaf(1, 2);
        uint256 root = _uint(string.concat(_tree(1), ".accountsRoot"));
        uint256 leaf = _uint(string.concat(at, ".leafHash"));
        uint256 id = _uint(string.concat(at, ".id"));
        uint256[] memory siblings = _uints(string.concat(at, ".siblings"));
        assertTrue(h.accountsRoot(id ^ 1, leaf, siblings) != root, "a neighbour's id");
        siblings[siblings.length - 1] ^= 1;
        assertTrue(h.accountsRoot(id, leaf, siblings) != root, "a top sibling changed");
    }

    function test_accountsRoot_revertsOnAnIndexOutsideTheTree() public {
        uint256[] memory siblings = new uint256[](4);
        vm.expectRevert(abi.encodeWithSelector(DesertExit.IndexOutsideTree.selector, 16, 4));
        h.accountsRoot(16, 0, siblings);
    }

    function test_globalRoot_revertsOnALengthNot6MPlus4() public {
        vm.expectRevert(abi.encodeWithSelector(DesertExit.BadGlobalLength.selector, 9));
        h.globalRoot(new uint256[](9));
        vm.expectRevert(abi.encodeWithSelector(DesertExit.BadGlobalLength.selector, 3));
        h.marketPrices(new uint256[](3));
    }

    function test_payout_revertsOnMismatchedShapes() public {
        vm.expectRevert(abi.encodeWithSelector(DesertExit.BadLeafLength.selector, 10, 2));
        h.payout(new uint256[](10), new uint256[](2), new uint256[](2));
        vm.expectRevert(abi.encodeWithSelector(DesertExit.BadMarketCount.selector, 2, 1));
        h.payout(new uint256[](11), new uint256[](2), new uint256[](1));
    }

    function test_toSigned_decodesAroundHalfP() public view {
        assertTrue(h.toSigned(0) == 0, "0");
        assertTrue(h.toSigned(P - 1) == -1, "p - 1");
        assertTrue(h.toSigned(P / 2) == int256(P / 2), "p/2 is the largest positive");
        assertTrue(h.toSigned(P / 2 + 1) == -int256(P / 2), "p/2 + 1 is the most negative");
        assertTrue(h.toSigned(P + 5) == 5, "reduced mod p first");
    }

    function test_gas_exitPathAtDepth16AndGlobalRootAtM2() public {
        // Tree 1 is d16m2: its leaf 3 sits at id 40,000.
        string memory at = _leaf(1, 3);
        uint256 id = _uint(string.concat(at, ".id"));
        uint256[] memory fields = _uints(string.concat(at, ".fields"));
        uint256[] memory siblings = _uints(string.concat(at, ".siblings"));
        uint256[] memory global = _uints(string.concat(_tree(1), ".globalFields"));
        uint256[] memory prices = _uints(string.concat(_tree(1), ".indexPrices"));
        uint256[] memory funding = _uints(string.concat(_tree(1), ".fundingIndexes"));
        uint256 root = h.leafRoot(id, fields, siblings);
        uint256 gasPath = vm.snapshotGasLastCall("desertExit_leafHashAndAccountsRoot_d16");
        assertEq(root, _uint(string.concat(_tree(1), ".accountsRoot")), "accounts root");
        h.globalRoot(global);
        uint256 gasGlobal = vm.snapshotGasLastCall("desertExit_globalRoot_m2");
        h.payout(fields, prices, funding);
        uint256 gasPayout = vm.snapshotGasLastCall("desertExit_payout_m2");
        emit log_named_uint("DesertExit.leafHash + accountsRoot, D = 16, M = 2, gas (external call)", gasPath);
        emit log_named_uint("DesertExit.globalRoot, M = 2, gas (external call)", gasGlobal);
        emit log_named_uint("DesertExit.payout, M = 2, gas (external call)", gasPayout);
    }
}
