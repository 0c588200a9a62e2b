// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PoseidonT6} from "poseidon-solidity/PoseidonT6.sol";

/// @title L1Messages
/// @notice The hashes of the messages an L2 key signs for the Rollup itself, checked with EdDSAPoseidon
///         (TS twin: node/l1/l1-messages.ts). Each is Poseidon over five fields, the first the kind.
/// @dev The kinds start at 101 so no L1 message can be replayed as an L2 one (sequencer/crypto/messages.ts
///      uses 1..5), and the rollup's address is in every hash so a signature cannot be replayed on another
///      deployment. The request nonce is the rollup's per-account counter of L1 requests.
library L1Messages {
    uint256 internal constant KIND_FORCED_WITHDRAWAL = 101;
    uint256 internal constant KIND_FORCED_CANCEL_ALL = 102;
    uint256 internal constant KIND_EXIT = 103;
    /// @dev Collateral is below 2^80 (docs/PROOF.md), so amount·2^160 + to stays below 2^240 < p and
    ///      no two (amount, to) pairs share the packed field.
    uint256 internal constant MAX_AMOUNT = (1 << 80) - 1;

    /// @notice Thrown when a forced withdrawal asks for more than any collateral can hold (≥ 2^80).
    error AmountTooLarge(uint256 amount);

    /// @notice The message a key signs to have the rollup force a withdrawal of `amount` to `to`.
    function forcedWithdrawal(address rollup, uint256 accountId, uint256 requestNonce, uint256 amount, address to)
        internal
        pure
        returns (uint256)
    {
        if (amount > MAX_AMOUNT) revert AmountTooLarge(amount);
        return PoseidonT6.hash(
            [KIND_FORCED_WITHDRAWAL, uint160(rollup), accountId, requestNonce, (amount << 160) | uint160(to)]
        );
    }

    /// @notice The message a key signs to have the rollup force the cancellation of all its orders.
    function forcedCancelAll(address rollup, uint256 accountId, uint256 requestNonce)
        internal
        pure
        returns (uint256)
    {
        return PoseidonT6.hash([KIND_FORCED_CANCEL_ALL, uint160(rollup), accountId, requestNonce, 0]);
    }

    /// @notice The message a key signs to leave in desert mode, paid to `to`. No nonce: an account
    ///         exits once, and the rollup records that it did.
    function exit(address rollup, uint256 accountId, address to) internal pure returns (uint256) {
        return PoseidonT6.hash([KIND_EXIT, uint160(rollup), accountId, 0, uint160(to)]);
    }
}
