// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";
import {PoseidonN} from "../generated/PoseidonN.sol";
import {IRollup} from "./IRollup.sol";

/// @title GenesisState
/// @notice The state root of `IRollup.GenesisParams` in the Batch2 encoding (docs/PROOF.md "State"; TS:
///         sequencer/proof/witness.ts ProofChain). Internal, so it lands in the Rollup's creation code only.
/// @dev To add a leaf or global field: change the layout constants and the two `*Fields` builders (and the
///      TS encoding in sequencer/state); the generated PoseidonN follows the TS widths on the next build.
library GenesisState {
    /// @dev pubKeyX, pubKeyY, nonce, collateral, ordersRoot: the leaf fields before the positions.
    uint256 internal constant LEAF_HEAD_FIELDS = 5;
    /// @dev size, entryNotional, fundingSnapshot of each market.
    uint256 internal constant FIELDS_PER_POSITION = 3;
    /// @dev indexPrice, markPrice, fundingIndex, openInterest, priceTime, fundingTime of each market,
    ///      hashed per market.
    uint256 internal constant FIELDS_PER_MARKET = 6;
    uint256 internal constant MARKET_MARK = 1;
    /// @dev insuranceFund, feePool, keeperPubKeyX, keeperPubKeyY after the market hashes.
    uint256 internal constant GLOBAL_TAIL_FIELDS = 4;

    /// @notice A leaf holding only a key and collateral: nonce 0, no order fills (ordersRoot 0), every
    ///         position flat.
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

    /// @notice The global root: Poseidon over each market's hash (index 0, the mark, funding, open
    ///         interest and times 0) and the insurance fund, the fee pool (0) and the keeper's key.
    function globalRoot(uint256[] memory markPrices, uint256 insuranceFund, uint256 keeperX, uint256 keeperY)
        internal
        pure
        returns (uint256)
    {
        uint256 m = markPrices.length;
        uint256[] memory top = new uint256[](m + GLOBAL_TAIL_FIELDS);
        uint256[] memory market = new uint256[](FIELDS_PER_MARKET);
        for (uint256 i = 0; i < m; i++) {
            market[MARKET_MARK] = markPrices[i];
            top[i] = PoseidonN.hash(market);
        }
        top[m] = insuranceFund;
        top[m + 2] = keeperX;
        top[m + 3] = keeperY;
        return PoseidonN.hash(top);
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
        return PoseidonT3.hash([node, globalRoot(g.markPrices, g.insuranceFund, g.keeperPubKeyX, g.keeperPubKeyY)]);
    }
}
