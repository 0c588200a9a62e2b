// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IRollup
/// @notice L1 side of the zk perps rollup: a deposit queue, proven state transitions, and pull withdrawals.
/// @dev Encodings (deposit chain, withdrawal chain, public input) are fixed by docs/SPEC.md.
interface IRollup {
    /// @notice A withdrawal paid out on L1 once its batch is verified.
    /// @param accountId L2 account debited.
    /// @param to L1 address credited in `withdrawable`.
    /// @param amount Token units (micro-USDC).
    struct Withdrawal {
        uint256 accountId;
        address to;
        uint256 amount;
    }

    /// @notice The state before batch 1 (docs/SPEC.md "Genesis"): account 0 is the backstop vault, every other
    ///         leaf is empty, and every global field not listed here is 0. The constructor hashes this and
    ///         refuses any other root, so no one can start the rollup from a state with cash it does not hold.
    /// @param accountsDepth Depth D of the account tree (1..64).
    /// @param vaultPubKeyX The vault's L2 key (the operator's): a BabyJubjub point with x != 0.
    /// @param vaultCollateral The vault's starting collateral, < 2^80.
    /// @param insuranceFund The starting insurance fund, < 2^80.
    /// @param markPrices Each market's starting mark (0: none yet), < 2^40; its length is M (1..3: a leaf
    ///        of 5 + 3M fields must fit circomlib's Poseidon of at most 16 inputs).
    /// @param keeperPubKeyX The oracle keeper's L2 key. It is in the state root, and the circuit checks every
    ///        price a batch uses against it.
    struct GenesisParams {
        uint256 accountsDepth;
        uint256 vaultPubKeyX;
        uint256 vaultPubKeyY;
        uint256 vaultCollateral;
        uint256 insuranceFund;
        uint256[] markPrices;
        uint256 keeperPubKeyX;
        uint256 keeperPubKeyY;
    }

    /// @notice Deployment settings that are not part of the genesis state.
    /// @param dataWords Public data words per batch (sequencer/proof/batch-data.ts `dataLayout(instance).words`):
    ///        the proof's public inputs after the public hash, so the verifier of one instance takes exactly these.
    /// @param forcedDeadlineBlocks A priority request must be consumed within this many blocks...
    /// @param forcedDeadlineSeconds ...and this many seconds of being filed; once both have passed for the
    ///        oldest unconsumed one, anyone can stop the rollup (activateDesertMode).
    struct Config {
        uint256 dataWords;
        uint256 forcedDeadlineBlocks;
        uint256 forcedDeadlineSeconds;
    }

    // ---------------------------------------------------------------- errors

    /// @notice Thrown when the constructor's `genesisRoot` is not the root it computes from the genesis
    ///         parameters: the deployer's state and the contract's encoding disagree.
    /// @param expected The root of `GenesisParams` as the contract computes it.
    /// @param given The root the deployer passed.
    error BadGenesis(uint256 expected, uint256 given);
    /// @notice Thrown when the genesis tree depth is not in 1..64 or the market count not in 1..4.
    error InvalidGenesisShape(uint256 accountsDepth, uint256 markets);
    /// @notice Thrown when a genesis amount or mark is not below its range limit (2^80 for cash, 2^40 for a
    ///         mark), the ranges the circuit checks every leaf and global field against.
    error GenesisValueOutOfRange(uint256 value, uint256 limit);
    /// @notice Thrown when the token balance of the contract at construction is below the genesis cash
    ///         (vault collateral + insurance fund): L2 cash that L1 does not hold could be withdrawn from others.
    ///         Pay it to the contract's address before deploying.
    error GenesisCashNotHeld(uint256 needed, uint256 held);

    /// @notice Thrown when anyone but the operator submits a batch. The proof shows users' signatures and
    ///         the rules were followed, but not which of several valid batches comes next: one sequencer
    ///         orders them (forced requests and an exit are issue 12's).
    error NotOperator();
    /// @notice Thrown when `batch` is at or below `lastVerifiedBatch` (a replay or an old batch).
    error BatchAlreadyVerified(uint256 batch);
    /// @notice Thrown when a batch skips ahead: `expected` is `lastVerifiedBatch + 1`.
    error BatchOutOfOrder(uint256 expected, uint256 got);
    /// @notice Thrown when the batch does not start from the current state root `expected`.
    error StaleRoot(uint256 expected, uint256 got);
    /// @notice Thrown when a batch consumes deposits the contract never received.
    /// @param requested `depositsConsumed + depositCount` the batch asks for.
    /// @param available `depositCount()` so far.
    error UnknownDeposits(uint256 requested, uint256 available);
    /// @notice Thrown when a batch consumes priority requests that were never filed.
    /// @param requested `priorityConsumed + priorityCount` the batch asks for.
    /// @param available `priorityCount()` so far.
    error UnknownPriorityRequests(uint256 requested, uint256 available);
    /// @notice Thrown when a batch's data is not `dataWords` words long: the verifier reads exactly that many.
    error BadDataLength(uint256 expected, uint256 given);
    /// @notice Thrown by submitBatch and the request functions once desert mode is on: the last verified root
    ///         is final, and users leave with `exit`.
    error DesertModeActive();
    /// @notice Thrown by the desert-mode functions while the rollup still runs.
    error DesertModeInactive();
    /// @notice Thrown by activateDesertMode when no priority request is past its deadline.
    /// @param index The oldest unconsumed request (== priorityCount when none is queued).
    error NoExpiredRequest(uint256 index, uint256 deadlineBlock, uint256 deadlineTime);
    /// @notice Thrown when a request names an account id outside the tree (>= 2^accountsDepth).
    error UnknownAccount(uint256 accountId);
    /// @notice Thrown when an L2 signature (EdDSA-Poseidon over BabyJubjub) does not verify for the key given.
    error BadSignature();
    /// @notice Thrown when a forced withdrawal asks for 0 or for 2^80 or more.
    error InvalidWithdrawalAmount(uint256 amount);
    /// @notice Thrown by exit before proveExitState.
    error ExitStateNotProven();
    /// @notice Thrown by a second proveExitState.
    error ExitStateAlreadyProven();
    /// @notice Thrown when the accounts root and global fields given do not hash to the last verified root.
    error BadExitState(uint256 expected, uint256 given);
    /// @notice Thrown when an exit's leaf and path are not in the last verified accounts root.
    error BadExitProof(uint256 accountId);
    /// @notice Thrown by a second exit of the same account (the nullifier).
    error AlreadyExited(uint256 accountId);
    /// @notice Thrown when a value that must be a BN254 field element (new root, withdrawal field) is not.
    ///         Poseidon reduces inputs mod p, so an unreduced value would alias a proven one.
    error NotFieldElement(uint256 value);
    /// @notice Thrown when withdrawal `index` of a batch pays address 0: nobody could ever claim it, and the
    ///         L2 debit would be lost. The sequencer refuses such a withdrawal before it takes the nonce.
    error WithdrawalToZeroAddress(uint256 index, uint256 accountId);
    /// @notice Thrown when the Groth16 verifier rejects the proof (or reverts).
    error InvalidProof();
    /// @notice Thrown when a batch's proven time is before the last verified batch's.
    error BatchTimeWentBack(uint256 last, uint256 given);
    /// @notice Thrown when a batch's proven time is past the block's time plus the allowed skew.
    error BatchTimeInFuture(uint256 latest, uint256 given);
    /// @notice Thrown when a deposit amount is 0 or not below 2^80.
    error InvalidDepositAmount(uint256 amount);
    /// @notice Thrown when a key coordinate is not a field element, or pubKeyX is 0: (0, 0) is the empty key
    ///         of an unused account slot, and the curve points with x = 0, (0, 1) and (0, p - 1), are the
    ///         identity and a point of order 2, which no private key has. Funds sent to them could never move.
    error InvalidPubKey(uint256 pubKeyX, uint256 pubKeyY);
    /// @notice Thrown when a key is not a BabyJubjub point (a·x² + y² = 1 + d·x²·y² mod p): no private key
    ///         signs for it, so a deposit to it could never be withdrawn.
    error PubKeyNotOnCurve(uint256 pubKeyX, uint256 pubKeyY);
    /// @notice Thrown when `claim` is called with nothing withdrawable.
    error NothingToClaim();
    /// @notice Thrown when the token returns false or reverts on a transfer.
    error TransferFailed();
    /// @notice Thrown when a constructor address is zero.
    error ZeroAddress();

    // ---------------------------------------------------------------- events

    /// @notice A deposit was appended to the queue at 0-based position `index`.
    /// @param depositHash The queue hash after this deposit, `depositHashes(index + 1)`.
    event Deposit(uint256 indexed index, uint256 pubKeyX, uint256 pubKeyY, uint256 amount, uint256 depositHash);
    /// @notice Batch `batch` was proven; the state root is now `newRoot`.
    event BatchVerified(uint256 indexed batch, uint256 newRoot);
    /// @notice A withdrawal of `batch` was credited to `to` and can be claimed.
    event WithdrawalQueued(uint256 indexed batch, uint256 indexed accountId, address indexed to, uint256 amount);
    /// @notice `to` was paid its whole withdrawable balance.
    event Claimed(address indexed to, uint256 amount);
    /// @notice The genesis state, so a reader of L1 alone can start from it (node/reconstruct).
    event Genesis(
        uint256 accountsDepth,
        uint256 vaultPubKeyX,
        uint256 vaultPubKeyY,
        uint256 vaultCollateral,
        uint256 insuranceFund,
        uint256[] markPrices,
        uint256 keeperPubKeyX,
        uint256 keeperPubKeyY
    );
    /// @notice A priority request was filed at 0-based position `index` of the priority queue.
    /// @param kind 1 forced withdrawal, 2 forced cancel-all.
    /// @param priorityHash The queue hash after this request, `priorityHashes(index + 1)`.
    event PriorityRequest(
        uint256 indexed index,
        uint256 kind,
        uint256 indexed accountId,
        uint256 pubKeyX,
        uint256 pubKeyY,
        uint256 amount,
        address to,
        uint256 deadlineBlock,
        uint256 deadlineTime,
        uint256 priorityHash
    );
    /// @notice Desert mode: the last verified state's accounts root and prices are on L1; exits can start.
    event ExitStateProven(uint256 accountsRoot);
    /// @notice Desert mode: `accountId` left; it was owed `claim` and paid `paid` (less only if the contract
    ///         ran short: README trust model).
    event Exit(uint256 indexed accountId, address indexed to, uint256 claim, uint256 paid);
    /// @notice Unconsumed deposit `index` was paid back to its depositor in desert mode.
    event DepositRefunded(uint256 indexed index, address indexed to, uint256 amount);
    /// @notice Desert mode is on: no batch is accepted again, and the state at `lastVerifiedBatch` is final.
    event DesertMode(uint256 lastVerifiedBatch, uint256 stateRoot, uint256 expiredRequest);

    // ---------------------------------------------------------------- actions

    /// @notice Pulls `amount` tokens from the caller and queues a deposit to the L2 key (pubKeyX, pubKeyY),
    ///         which must be a BabyJubjub point with pubKeyX != 0 (see InvalidPubKey, PubKeyNotOnCurve).
    function deposit(uint256 pubKeyX, uint256 pubKeyY, uint256 amount) external;

    /// @notice Verifies and applies batch `batchNumber`. Only the operator may call it.
    /// @param depositCount How many queued deposits, after `depositsConsumed`, the batch credits.
    /// @param priorityCount How many priority requests, after `priorityConsumed`, the batch serves, in order.
    /// @param data The published data words (docs/SPEC.md "Published batch data"): public inputs of the proof,
    ///        from which anyone rebuilds the state.
    /// @param batchTimeMs The batch's proven time (ms): at least the last batch's, at most
    ///        block.timestamp·1000 + MAX_CLOCK_SKEW_MS (BatchTimeWentBack, BatchTimeInFuture).
    /// @param proof Groth16 proof `[a0, a1, b00, b01, b10, b11, c0, c1]` as snarkjs `exportSolidityCallData` prints it.
    function submitBatch(
        uint256 batchNumber,
        uint256 oldStateRoot,
        uint256 newStateRoot,
        uint256 depositCount,
        uint256 priorityCount,
        Withdrawal[] calldata withdrawals,
        uint256 batchTimeMs,
        uint256[] calldata data,
        uint256[8] calldata proof
    ) external;

    /// @notice Files a forced withdrawal of up to `amount` of account `accountId`'s free collateral to `to`,
    ///         signed by the account's L2 key (node/l1/l1-messages.ts). The proof must serve it in queue order
    ///         within the deadline: it pays min(amount, free collateral at the batch's marks) when the key is
    ///         the account's, else 0.
    function requestWithdrawal(
        uint256 accountId,
        uint256 pubKeyX,
        uint256 pubKeyY,
        uint256 amount,
        address to,
        uint256[3] calldata signature
    ) external;

    /// @notice Files a forced cancel of every resting order of `accountId`, signed by its L2 key.
    function requestCancelAll(uint256 accountId, uint256 pubKeyX, uint256 pubKeyY, uint256[3] calldata signature)
        external;

    /// @notice Stops the rollup for good once the oldest unconsumed priority request is past both deadlines.
    function activateDesertMode() external;

    /// @notice Desert mode, once: shows the global fields and accounts root of the last verified state, whose
    ///         index prices and funding indexes every exit is then paid at.
    function proveExitState(uint256 accountsRoot, uint256[] calldata globalFields) external;

    /// @notice Desert mode: pays account `accountId` its equity at the last proven prices, once. `leafFields`
    ///         and `siblings` (bottom up) prove its leaf under `exitAccountsRoot`; `signature` is its key's over
    ///         L1Messages.exit(this, accountId, to). Pays min(claim, freeForExits()).
    function exit(
        uint256 accountId,
        uint256[] calldata leafFields,
        uint256[] calldata siblings,
        address to,
        uint256[3] calldata signature
    ) external;

    /// @notice Pays the caller its whole withdrawable balance.
    function claim() external;

    // ---------------------------------------------------------------- views

    function stateRoot() external view returns (uint256);
    function lastVerifiedBatch() external view returns (uint256);
    function operator() external view returns (address);
    function token() external view returns (address);
    function verifier() external view returns (address);
    /// @notice The state root before batch 1, as the constructor computed it from `GenesisParams`.
    function genesisStateRoot() external view returns (uint256);
    /// @notice Depth D of the account tree the genesis was computed for.
    function accountsDepth() external view returns (uint256);
    /// @notice Number of markets M the genesis was computed for.
    function markets() external view returns (uint256);
    /// @notice The oracle keeper's L2 key, from the genesis parameters.
    function keeperPubKeyX() external view returns (uint256);
    function keeperPubKeyY() external view returns (uint256);
    /// @notice Number of deposits ever queued.
    function depositCount() external view returns (uint256);
    /// @notice Number of queued deposits already credited by verified batches.
    function depositsConsumed() external view returns (uint256);
    /// @notice The proven time (ms) of the last verified batch.
    function lastBatchTimeMs() external view returns (uint256);
    /// @notice Queue hash after the first `k` deposits; `depositHashes(0) == 0`.
    function depositHashes(uint256 k) external view returns (uint256);
    function withdrawable(address account) external view returns (uint256);
    /// @notice Number of priority requests ever filed, and consumed by verified batches.
    function priorityCount() external view returns (uint256);
    function priorityConsumed() external view returns (uint256);
    /// @notice Queue hash after the first `k` priority requests; `priorityHashes(0) == 0`.
    function priorityHashes(uint256 k) external view returns (uint256);
    function desertMode() external view returns (bool);
    function dataWords() external view returns (uint256);
}
