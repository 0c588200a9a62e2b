// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";
import {PoseidonN} from "../generated/PoseidonN.sol";
import {IRollup} from "./IRollup.sol";

/// @title GenesisState
/// @notice The state root of `IRollup.GenesisParams`, encoded as docs/SPEC.md fixes it ("Account leaf",
///         "Account tree", "Global state"). Internal, so it lands in the Rollup's creation code only.
/// @dev To add a leaf or global field: change the layout constants and the two `*Fields` builders (and the
///      TS encoding in sequencer/state); the generated PoseidonN follows the TS widths on the next build.
library GenesisState {
    /// @dev pubKeyX, pubKeyY, nonce, collateral: the leaf fields before the positions.
    uint256 internal constant LEAF_HEAD_FIELDS = 4;
    /// @dev size, entryNotional, fundingSnapshot of each market.
    uint256 internal constant FIELDS_PER_POSITION = 3;
    /// @dev markPrice, fundingIndex, openInterest of each market.
    uint256 internal constant FIELDS_PER_MARKET = 3;
    /// @dev insuranceFund, feePool after the markets.
    uint256 internal constant GLOBAL_TAIL_FIELDS = 2;

    /// @notice A leaf holding only a key and collateral: nonce 0, every position flat.
    function leafFields(uint256 markets, uint256 pubKeyX, uint256 pubKeyY, uint256 collateral)
        internal
        pure
        returns (uint256[] memory f)
    {
        f = new uint256[](LEAF_HEAD_FIELDS + FIELDS_PER_POSITION * markets);
        f[0] = pubKeyX;
        f[1] = pubKeyY;
        f[3] = collateral;
    }

    /// @notice Global fields with the given marks and insurance fund; funding, open interest and fees 0.
    function globalFields(uint256[] memory markPrices, uint256 insuranceFund)
        internal
        pure
        returns (uint256[] memory f)
    {
        uint256 m = markPrices.length;
        f = new uint256[](FIELDS_PER_MARKET * m + GLOBAL_TAIL_FIELDS);
        for (uint256 i = 0; i < m; i++) {
            f[FIELDS_PER_MARKET * i] = markPrices[i];
        }
        f[FIELDS_PER_MARKET * m] = insuranceFund;
    }

    /// @notice Poseidon(accountsRoot, globalRoot) of the genesis state. The caller checks the ranges.
    function stateRoot(IRollup.GenesisParams memory g) internal pure returns (uint256) {
        uint256 m = g.markPrices.length;
        // z_0 is the empty leaf's hash; z_{k+1} = Poseidon(z_k, z_k).
        uint256 zero = PoseidonN.hash(leafFields(m, 0, 0, 0));
        uint256 node = PoseidonN.hash(leafFields(m, g.vaultPubKeyX, g.vaultPubKeyY, g.vaultCollateral));
        // Account 0 is the leftmost leaf: at every level its path is the left child and the sibling is empty.
        for (uint256 level = 0; level < g.accountsDepth; level++) {
            node = PoseidonT3.hash([node, zero]);
            if (level + 1 < g.accountsDepth) zero = PoseidonT3.hash([zero, zero]);
        }
        return PoseidonT3.hash([node, PoseidonN.hash(globalFields(g.markPrices, g.insuranceFund))]);
    }
}
