// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";
import {PoseidonN} from "../generated/PoseidonN.sol";
import {GenesisState} from "./GenesisState.sol";

/// @title DesertExit
/// @notice What an account's exit in desert mode recomputes from the last verified state root: its leaf
///         hash, the accounts root of its Merkle path, the global root and what it is owed
///         (docs/PROOF.md "State (v2)"; TS: sequencer/proof/witness.ts ProofChain, node/l1/desert-exit.ts).
/// @dev The caller checks Poseidon(accountsRoot, globalRoot) against the verified root, so the leaf and
///      global fields given here are the proven ones and lie in the circuit's ranges.
library DesertExit {
    uint256 internal constant P = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 internal constant HEAD = GenesisState.LEAF_HEAD_FIELDS;
    uint256 internal constant PER_POSITION = GenesisState.FIELDS_PER_POSITION;
    uint256 internal constant PER_MARKET = GenesisState.FIELDS_PER_MARKET;
    uint256 internal constant TAIL = GenesisState.GLOBAL_TAIL_FIELDS;
    uint256 internal constant LEAF_COLLATERAL = 3;
    /// @dev A market's index price and funding index among its six global fields.
    uint256 internal constant MARKET_INDEX = 0;
    uint256 internal constant MARKET_FUNDING = 2;

    /// @notice Thrown when a leaf does not have 5 + 3M fields for the M markets given.
    error BadLeafLength(uint256 fields, uint256 markets);
    /// @notice Thrown when the index prices and the funding indexes are not one per market each.
    error BadMarketCount(uint256 indexPrices, uint256 fundingIndexes);
    /// @notice Thrown when the global fields are not 6M + 4.
    error BadGlobalLength(uint256 fields);
    /// @notice Thrown when the index does not fit in a tree of siblings.length levels: its high bits would
    ///         be ignored, and one leaf could be claimed under several ids.
    error IndexOutsideTree(uint256 index, uint256 depth);

    /// @notice Poseidon over the 5 + 3M leaf fields (one call, the width PoseidonN is built for).
    function leafHash(uint256[] memory fields) internal pure returns (uint256) {
        return PoseidonN.hash(fields);
    }

    /// @notice The root of the account tree from the leaf at `index` and its siblings, bottom up: bit k of
    ///         the index (LSB first) says the node at level k is a right child.
    function accountsRoot(uint256 index, uint256 leaf, uint256[] memory siblings) internal pure returns (uint256) {
        uint256 depth = siblings.length;
        if (depth < 256 && index >> depth != 0) revert IndexOutsideTree(index, depth);
        uint256 node = leaf;
        for (uint256 k = 0; k < depth; k++) {
            node = (index >> k) & 1 == 1 ? PoseidonT3.hash([siblings[k], node]) : PoseidonT3.hash([node, siblings[k]]);
        }
        return node;
    }

    /// @notice Poseidon over one market's index, mark, funding index, open interest, price and funding times.
    function marketHash(uint256[6] memory f) internal pure returns (uint256) {
        uint256[] memory inputs = new uint256[](PER_MARKET);
        for (uint256 i = 0; i < PER_MARKET; i++) {
            inputs[i] = f[i];
        }
        return PoseidonN.hash(inputs);
    }

    /// @notice The global root of the 6M + 4 global fields: Poseidon(market hashes, insuranceFund, feePool,
    ///         keeperX, keeperY).
    function globalRoot(uint256[] memory fields) internal pure returns (uint256) {
        if (fields.length < TAIL || (fields.length - TAIL) % PER_MARKET != 0) revert BadGlobalLength(fields.length);
        uint256 m = (fields.length - TAIL) / PER_MARKET;
        uint256[] memory top = new uint256[](m + TAIL);
        uint256[6] memory market;
        for (uint256 i = 0; i < m; i++) {
            for (uint256 j = 0; j < PER_MARKET; j++) {
                market[j] = fields[PER_MARKET * i + j];
            }
            top[i] = marketHash(market);
        }
        for (uint256 j = 0; j < TAIL; j++) {
            top[m + j] = fields[PER_MARKET * m + j];
        }
        return PoseidonN.hash(top);
    }

    /// @notice The state root the Rollup stores: Poseidon(accountsRoot, globalRoot).
    function stateRoot(uint256 accounts, uint256 global) internal pure returns (uint256) {
        return PoseidonT3.hash([accounts, global]);
    }

    /// @notice Each market's index price and funding index out of the 6M + 4 global fields, for `payout`.
    function marketPrices(uint256[] memory globalFields)
        internal
        pure
        returns (uint256[] memory indexPrices, uint256[] memory fundingIndexes)
    {
        uint256 n = globalFields.length;
        if (n < TAIL || (n - TAIL) % PER_MARKET != 0) revert BadGlobalLength(n);
        uint256 m = (n - TAIL) / PER_MARKET;
        indexPrices = new uint256[](m);
        fundingIndexes = new uint256[](m);
        for (uint256 i = 0; i < m; i++) {
            indexPrices[i] = globalFields[PER_MARKET * i + MARKET_INDEX];
            fundingIndexes[i] = globalFields[PER_MARKET * i + MARKET_FUNDING];
        }
    }

    /// @notice What the account is owed at the given index prices and funding indexes: its equity
    ///         collateral + Σ (size·index − entryNotional) + Σ size·(F − fundingSnapshot), or 0 when that is
    ///         negative. The funding term is what L2 would settle into the collateral (collateral +=
    ///         size·(F − snapshot)).
    /// @dev Every term fits in int256 with room to spare for proven fields: |size| < 2^47, index < 2^40,
    ///      |entry| < 2^95, |F|, |snapshot| < 2^63, collateral < 2^80, so each market adds less than
    ///      2^87 + 2^95 + 2^111 < 2^112 and any M below 2^100 stays far from 2^255. Fields outside those
    ///      ranges cannot come from a proven root; were they given anyway, checked arithmetic reverts on
    ///      an overflow rather than paying a wrapped amount.
    function payout(uint256[] memory leafFields, uint256[] memory indexPrices, uint256[] memory fundingIndexes)
        internal
        pure
        returns (uint256)
    {
        uint256 m = indexPrices.length;
        if (fundingIndexes.length != m) revert BadMarketCount(m, fundingIndexes.length);
        if (leafFields.length != HEAD + PER_POSITION * m) revert BadLeafLength(leafFields.length, m);
        int256 equity = toSigned(leafFields[LEAF_COLLATERAL]);
        for (uint256 i = 0; i < m; i++) {
            uint256 at = HEAD + PER_POSITION * i;
            int256 size = toSigned(leafFields[at]);
            int256 entry = toSigned(leafFields[at + 1]);
            int256 snapshot = toSigned(leafFields[at + 2]);
            equity += size * toSigned(indexPrices[i]) - entry + size * (toSigned(fundingIndexes[i]) - snapshot);
        }
        // casting to 'uint256' is safe because equity > 0 there.
        // forge-lint: disable-next-line(unsafe-typecast)
        return equity > 0 ? uint256(equity) : 0;
    }

    /// @notice A field element as the signed integer it encodes (SPEC.md "Numbers"): above p/2 is x − p.
    ///         x is taken mod p first, as Poseidon and the circuit see it.
    function toSigned(uint256 x) internal pure returns (int256) {
        x %= P;
        // casting to 'int256' is safe because both branches are below p/2 < 2^253 in magnitude.
        // forge-lint: disable-next-line(unsafe-typecast)
        return x > P / 2 ? -int256(P - x) : int256(x);
    }
}
