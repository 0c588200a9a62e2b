// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PoseidonT3} from "poseidon-solidity/PoseidonT3.sol";
import {PoseidonT5} from "poseidon-solidity/PoseidonT5.sol";
import {PoseidonT6} from "poseidon-solidity/PoseidonT6.sol";
import {BabyJubjub} from "./BabyJubjub.sol";
import {GenesisState} from "./GenesisState.sol";
import {DesertExit} from "./DesertExit.sol";
import {EdDSAPoseidon} from "./EdDSAPoseidon.sol";
import {IRollup} from "./IRollup.sol";
import {L1Messages} from "./L1Messages.sol";
import {IERC20Minimal} from "./IERC20Minimal.sol";

/// @title Rollup
/// @notice Holds the L2 state root, the deposit and priority queues and the withdrawal balances of the zk perps
///         rollup. A batch moves the root only with a Groth16 proof over its public hash and its published data
///         words (docs/SPEC.md); once a priority request is left unserved past its deadline, desert mode stops
///         it and users leave with the last verified state.
contract Rollup is IRollup {
    /// @dev BN254 scalar field modulus.
    uint256 internal constant FIELD = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    /// @dev Cash fields (deposits, collateral, pools) are below 2^80, marks below 2^40 (docs/SPEC.md ranges).
    uint256 internal constant MAX_DEPOSIT = 1 << 80;
    uint256 internal constant MAX_MARK_PRICE = 1 << 40;
    /// @dev The TS tree's limits (sequencer/state/merkle-tree.ts) and SPEC.md's M.
    uint256 internal constant MAX_DEPTH = 64;
    /// @dev A leaf of 5 + 3M fields is one circomlib Poseidon, of at most 16 inputs.
    uint256 internal constant MAX_MARKETS = 3;
    /// @dev The circuit compares times in 48 bits (ms until the year 10889).
    uint256 internal constant MAX_TIME_MS = (1 << 48) - 1;
    /// @dev How far past the block's time a batch's proven time may be (the sequencer's clock against
    ///      the chain's). The circuit checks order expiry against batchTimeMs.
    uint256 public constant MAX_CLOCK_SKEW_MS = 60_000;

    /// @dev verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[n]) of snarkjs' verifier; the selector
    ///      depends on n, so the deployment's verifier is called by the one its instance has.
    bytes4 internal immutable VERIFY_PROOF_SELECTOR;
    /// @dev Priority request kinds (the circuit's ForcedSlot).
    uint256 internal constant FORCED_WITHDRAWAL = 1;
    uint256 internal constant FORCED_CANCEL_ALL = 2;

    address internal immutable _verifier;
    IERC20Minimal internal immutable _token;
    address public immutable operator;
    uint256 public immutable genesisStateRoot;
    uint256 public immutable accountsDepth;
    uint256 public immutable markets;
    uint256 public immutable keeperPubKeyX;
    uint256 public immutable keeperPubKeyY;
    uint256 public immutable dataWords;
    uint256 public immutable forcedDeadlineBlocks;
    uint256 public immutable forcedDeadlineSeconds;

    uint256 public stateRoot;
    uint256 public lastVerifiedBatch;
    uint256 public depositCount;
    uint256 public depositsConsumed;
    /// @notice The proven time of the last verified batch (ms); the next may not be earlier.
    uint256 public lastBatchTimeMs;
    /// @dev depositHashes[0] is 0 by default, as the spec's chain starts at 0.
    mapping(uint256 => uint256) public depositHashes;
    mapping(address => uint256) public withdrawable;
    /// @dev Σ withdrawable: cash L1 owes that is no longer on L2.
    uint256 public outstandingWithdrawals;
    /// @dev depositTotals[k] = Σ amounts of the first k deposits: what L1 holds for unconsumed deposits.
    mapping(uint256 => uint256) public depositTotals;
    mapping(uint256 => address) public depositor;

    uint256 public priorityCount;
    uint256 public priorityConsumed;
    mapping(uint256 => uint256) public priorityHashes;
    /// @dev Per request: deadline block << 128 | deadline time (s).
    mapping(uint256 => uint256) internal _priorityDeadline;
    /// @notice Requests filed per account: part of the signed message, so a signature files one request.
    mapping(uint256 => uint256) public forcedNonce;
    bool public desertMode;
    /// @dev Σ refunded deposits (desert mode).
    uint256 internal _refunded;
    /// @notice Desert mode: the accounts root of the last verified state, once someone proved its global fields.
    uint256 public exitAccountsRoot;
    bool public exitStateProven;
    /// @dev Each market's last proven index price and funding index: what exits are paid at.
    uint256[] internal _exitIndex;
    uint256[] internal _exitFunding;
    /// @notice The exit nullifier: an account leaves once.
    mapping(uint256 => bool) public exited;

    /// @param genesis The genesis state's parameters; the constructor computes its root.
    /// @param genesisRoot The root the deployer computed off chain (node/genesis.ts): must equal the
    ///        contract's, so an encoding drift between TS and Solidity fails the deployment (BadGenesis).
    constructor(
        GenesisParams memory genesis,
        uint256 genesisRoot,
        address verifier_,
        address token_,
        address operator_,
        Config memory config
    ) {
        if (verifier_ == address(0) || token_ == address(0) || operator_ == address(0)) {
            revert ZeroAddress();
        }
        uint256 m = genesis.markPrices.length;
        if (genesis.accountsDepth == 0 || genesis.accountsDepth > MAX_DEPTH || m == 0 || m > MAX_MARKETS) {
            revert InvalidGenesisShape(genesis.accountsDepth, m);
        }
        _checkKey(genesis.vaultPubKeyX, genesis.vaultPubKeyY);
        _checkKey(genesis.keeperPubKeyX, genesis.keeperPubKeyY);
        _checkBelow(genesis.vaultCollateral, MAX_DEPOSIT);
        _checkBelow(genesis.insuranceFund, MAX_DEPOSIT);
        for (uint256 i = 0; i < m; i++) {
            _checkBelow(genesis.markPrices[i], MAX_MARK_PRICE);
        }

        uint256 root = GenesisState.stateRoot(genesis);
        if (root != genesisRoot) revert BadGenesis(root, genesisRoot);

        // The vault's collateral and the fund are cash on L2 from the first batch on; L1 must hold it.
        uint256 cash = genesis.vaultCollateral + genesis.insuranceFund;
        if (cash > 0) {
            uint256 held = IERC20Minimal(token_).balanceOf(address(this));
            if (held < cash) revert GenesisCashNotHeld(cash, held);
        }

        stateRoot = root;
        genesisStateRoot = root;
        accountsDepth = genesis.accountsDepth;
        markets = m;
        keeperPubKeyX = genesis.keeperPubKeyX;
        keeperPubKeyY = genesis.keeperPubKeyY;
        dataWords = config.dataWords;
        VERIFY_PROOF_SELECTOR = bytes4(
            keccak256(
                abi.encodePacked(
                    "verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[", _decimal(config.dataWords + 1), "])"
                )
            )
        );
        forcedDeadlineBlocks = config.forcedDeadlineBlocks;
        forcedDeadlineSeconds = config.forcedDeadlineSeconds;
        _verifier = verifier_;
        _token = IERC20Minimal(token_);
        operator = operator_;
        _emitGenesis(genesis);
    }

    function _emitGenesis(GenesisParams memory g) internal {
        emit Genesis(
            g.accountsDepth,
            g.vaultPubKeyX,
            g.vaultPubKeyY,
            g.vaultCollateral,
            g.insuranceFund,
            g.markPrices,
            g.keeperPubKeyX,
            g.keeperPubKeyY
        );
    }

    function token() external view returns (address) {
        return address(_token);
    }

    function verifier() external view returns (address) {
        return _verifier;
    }

    /// @inheritdoc IRollup
    function deposit(uint256 pubKeyX, uint256 pubKeyY, uint256 amount) external {
        if (desertMode) revert DesertModeActive();
        if (amount == 0 || amount >= MAX_DEPOSIT) revert InvalidDepositAmount(amount);
        _checkKey(pubKeyX, pubKeyY);
        _pull(msg.sender, amount);
        uint256 index = depositCount;
        uint256 h = PoseidonT5.hash([depositHashes[index], pubKeyX, pubKeyY, amount]);
        depositHashes[index + 1] = h;
        depositTotals[index + 1] = depositTotals[index] + amount;
        depositor[index] = msg.sender;
        depositCount = index + 1;
        emit Deposit(index, pubKeyX, pubKeyY, amount, h);
    }

    /// @inheritdoc IRollup
    function submitBatch(
        uint256 batchNumber,
        uint256 oldStateRoot,
        uint256 newStateRoot,
        uint256 depositCount_,
        uint256 priorityCount_,
        Withdrawal[] calldata withdrawals,
        uint256 batchTimeMs,
        uint256[] calldata data,
        uint256[8] calldata proof
    ) external {
        if (msg.sender != operator) revert NotOperator();
        if (desertMode) revert DesertModeActive();
        _checkOrder(batchNumber, oldStateRoot);
        if (newStateRoot >= FIELD) revert NotFieldElement(newStateRoot);
        if (data.length != dataWords) revert BadDataLength(dataWords, data.length);
        _checkBatchTime(batchTimeMs);
        (uint256 l1Hash, uint256 pHash) = _consumeQueues(depositCount_, priorityCount_, withdrawals, batchTimeMs);
        _verify(proof, _publicHash(batchNumber, oldStateRoot, newStateRoot, l1Hash, pHash), data);

        stateRoot = newStateRoot;
        lastVerifiedBatch = batchNumber;
        lastBatchTimeMs = batchTimeMs;
        _credit(batchNumber, withdrawals);
        emit BatchVerified(batchNumber, newStateRoot);
    }

    /// @dev Moves both queues past what the batch consumes (undone if the proof fails) and returns the L1 part
    ///      of the public input and the priority range's hash.
    function _consumeQueues(
        uint256 depositCount_,
        uint256 priorityCount_,
        Withdrawal[] calldata withdrawals,
        uint256 batchTimeMs
    ) internal returns (uint256 l1Hash, uint256 pHash) {
        uint256 consumed = depositsConsumed;
        uint256 newConsumed = consumed + depositCount_;
        if (newConsumed > depositCount) revert UnknownDeposits(newConsumed, depositCount);
        uint256 pConsumed = priorityConsumed;
        uint256 newPConsumed = pConsumed + priorityCount_;
        if (newPConsumed > priorityCount) revert UnknownPriorityRequests(newPConsumed, priorityCount);
        l1Hash = _l1Hash(consumed, newConsumed, withdrawals, batchTimeMs);
        pHash = PoseidonT3.hash([priorityHashes[pConsumed], priorityHashes[newPConsumed]]);
        depositsConsumed = newConsumed;
        priorityConsumed = newPConsumed;
    }

    function _checkOrder(uint256 batchNumber, uint256 oldStateRoot) internal view {
        uint256 last = lastVerifiedBatch;
        if (batchNumber <= last) revert BatchAlreadyVerified(batchNumber);
        if (batchNumber != last + 1) revert BatchOutOfOrder(last + 1, batchNumber);
        if (oldStateRoot != stateRoot) revert StaleRoot(stateRoot, oldStateRoot);
    }

    /// @dev Time only moves forward, and not past the chain's: an operator could otherwise fill an expired
    ///      order by proving an earlier time, or expire live orders early by proving a later one. Nothing bounds
    ///      it from below against the chain's clock (an honest batch may wait long to be proven), so a batch
    ///      may keep the last batch's time: see the README's trust model.
    function _checkBatchTime(uint256 batchTimeMs) internal view {
        if (batchTimeMs < lastBatchTimeMs) revert BatchTimeWentBack(lastBatchTimeMs, batchTimeMs);
        uint256 latest = block.timestamp * 1000 + MAX_CLOCK_SKEW_MS;
        if (latest > MAX_TIME_MS) latest = MAX_TIME_MS;
        if (batchTimeMs > latest) revert BatchTimeInFuture(latest, batchTimeMs);
    }

    /// @dev The pull pattern keeps a reverting recipient from blocking the batch.
    function _credit(uint256 batchNumber, Withdrawal[] calldata withdrawals) internal {
        for (uint256 i = 0; i < withdrawals.length; i++) {
            Withdrawal calldata w = withdrawals[i];
            withdrawable[w.to] += w.amount;
            outstandingWithdrawals += w.amount;
            emit WithdrawalQueued(batchNumber, w.accountId, w.to, w.amount);
        }
    }

    /// @inheritdoc IRollup
    function requestWithdrawal(
        uint256 accountId,
        uint256 pubKeyX,
        uint256 pubKeyY,
        uint256 amount,
        address to,
        uint256[3] calldata signature
    ) external {
        if (amount == 0 || amount >= MAX_DEPOSIT) revert InvalidWithdrawalAmount(amount);
        if (to == address(0)) revert WithdrawalToZeroAddress(priorityCount, accountId);
        uint256 nonce = _checkRequester(accountId, pubKeyX, pubKeyY);
        uint256 message = L1Messages.forcedWithdrawal(address(this), accountId, nonce, amount, to);
        if (!EdDSAPoseidon.verify(pubKeyX, pubKeyY, signature[0], signature[1], signature[2], message)) {
            revert BadSignature();
        }
        _queue(FORCED_WITHDRAWAL, accountId, pubKeyX, pubKeyY, amount, to);
    }

    /// @inheritdoc IRollup
    function requestCancelAll(uint256 accountId, uint256 pubKeyX, uint256 pubKeyY, uint256[3] calldata signature)
        external
    {
        uint256 nonce = _checkRequester(accountId, pubKeyX, pubKeyY);
        uint256 message = L1Messages.forcedCancelAll(address(this), accountId, nonce);
        if (!EdDSAPoseidon.verify(pubKeyX, pubKeyY, signature[0], signature[1], signature[2], message)) {
            revert BadSignature();
        }
        _queue(FORCED_CANCEL_ALL, accountId, pubKeyX, pubKeyY, 0, address(0));
    }

    /// @dev L1 cannot see which key holds an account (that is in the L2 state), so it checks only that the key
    ///      signed; the proof serves a request whose key is not the account's as a no-op (it pays 0).
    function _checkRequester(uint256 accountId, uint256 pubKeyX, uint256 pubKeyY) internal returns (uint256 nonce) {
        if (desertMode) revert DesertModeActive();
        if (accountId >> accountsDepth != 0) revert UnknownAccount(accountId);
        _checkKey(pubKeyX, pubKeyY);
        nonce = forcedNonce[accountId];
        forcedNonce[accountId] = nonce + 1;
    }

    /// @dev priorityHash_{k+1} = Poseidon(priorityHash_k, kind, accountId, Poseidon(pubKeyX, pubKeyY),
    ///      amount·2^160 + to) (docs/SPEC.md "Priority requests"); the circuit recomputes it request by request.
    function _queue(uint256 kind, uint256 accountId, uint256 pubKeyX, uint256 pubKeyY, uint256 amount, address to)
        internal
    {
        uint256 index = priorityCount;
        uint256 payload = (amount << 160) | uint256(uint160(to));
        uint256 h = PoseidonT6.hash(
            [priorityHashes[index], kind, accountId, PoseidonT3.hash([pubKeyX, pubKeyY]), payload]
        );
        priorityHashes[index + 1] = h;
        priorityCount = index + 1;
        uint256 deadlineBlock = block.number + forcedDeadlineBlocks;
        uint256 deadlineTime = block.timestamp + forcedDeadlineSeconds;
        _priorityDeadline[index] = (deadlineBlock << 128) | deadlineTime;
        emit PriorityRequest(index, kind, accountId, pubKeyX, pubKeyY, amount, to, deadlineBlock, deadlineTime, h);
    }

    /// @notice The deadlines of priority request `index`: it is overdue once both have passed.
    function priorityDeadline(uint256 index) public view returns (uint256 deadlineBlock, uint256 deadlineTime) {
        uint256 d = _priorityDeadline[index];
        return (d >> 128, uint128(d));
    }

    /// @inheritdoc IRollup
    function activateDesertMode() external {
        if (desertMode) revert DesertModeActive();
        uint256 index = priorityConsumed;
        (uint256 deadlineBlock, uint256 deadlineTime) = priorityDeadline(index);
        // Both clocks: a burst of blocks or one odd timestamp alone does not stop the rollup.
        if (index >= priorityCount || block.number <= deadlineBlock || block.timestamp <= deadlineTime) {
            revert NoExpiredRequest(index, deadlineBlock, deadlineTime);
        }
        desertMode = true;
        emit DesertMode(lastVerifiedBatch, stateRoot, index);
    }

    /// @notice In desert mode, pays back a deposit that no verified batch credited, to the address that made it.
    function refundDeposit(uint256 index) external {
        if (!desertMode) revert DesertModeInactive();
        if (index < depositsConsumed || index >= depositCount) revert UnknownDeposits(index + 1, depositCount);
        address to = depositor[index];
        if (to == address(0)) revert NothingToClaim();
        depositor[index] = address(0);
        uint256 amount = depositTotals[index + 1] - depositTotals[index];
        _refunded += amount;
        _push(to, amount);
        emit DepositRefunded(index, to, amount);
    }

    /// @inheritdoc IRollup
    function proveExitState(uint256 accountsRoot_, uint256[] calldata globalFields) external {
        if (!desertMode) revert DesertModeInactive();
        if (exitStateProven) revert ExitStateAlreadyProven();
        uint256 root = DesertExit.stateRoot(accountsRoot_, DesertExit.globalRoot(globalFields));
        if (root != stateRoot) revert BadExitState(stateRoot, root);
        (uint256[] memory index, uint256[] memory funding) = DesertExit.marketPrices(globalFields);
        if (index.length != markets) revert BadExitState(markets, index.length);
        _exitIndex = index;
        _exitFunding = funding;
        exitAccountsRoot = accountsRoot_;
        exitStateProven = true;
        emit ExitStateProven(accountsRoot_);
    }

    /// @inheritdoc IRollup
    function exit(
        uint256 accountId,
        uint256[] calldata leafFields,
        uint256[] calldata siblings,
        address to,
        uint256[3] calldata signature
    ) external {
        if (!desertMode) revert DesertModeInactive();
        if (!exitStateProven) revert ExitStateNotProven();
        if (exited[accountId]) revert AlreadyExited(accountId);
        if (to == address(0)) revert ZeroAddress();
        if (accountId >> accountsDepth != 0 || siblings.length != accountsDepth) revert BadExitProof(accountId);
        for (uint256 i = 0; i < leafFields.length; i++) {
            // Poseidon reduces mod p: an unreduced field would hash like the proven one and read otherwise.
            if (leafFields[i] >= FIELD) revert NotFieldElement(leafFields[i]);
        }
        uint256 leaf = DesertExit.leafHash(leafFields);
        if (DesertExit.accountsRoot(accountId, leaf, siblings) != exitAccountsRoot) revert BadExitProof(accountId);
        uint256 message = L1Messages.exit(address(this), accountId, to);
        if (!EdDSAPoseidon.verify(leafFields[0], leafFields[1], signature[0], signature[1], signature[2], message)) {
            revert BadSignature();
        }
        exited[accountId] = true;
        uint256 owed = DesertExit.payout(leafFields, _exitIndex, _exitFunding);
        uint256 free = _freeForExits();
        uint256 paid = owed < free ? owed : free;
        if (paid > 0) _push(to, paid);
        emit Exit(accountId, to, owed, paid);
    }

    /// @notice What exits can still be paid from: the balance less the withdrawals L1 owes and the deposits it
    ///         must refund (neither is in the final L2 state).
    function freeForExits() external view returns (uint256) {
        return _freeForExits();
    }

    function _freeForExits() internal view returns (uint256) {
        uint256 owed = outstandingWithdrawals + depositTotals[depositCount] - depositTotals[depositsConsumed] - _refunded;
        uint256 held = _token.balanceOf(address(this));
        return held > owed ? held - owed : 0;
    }

    /// @inheritdoc IRollup
    function claim() external {
        uint256 amount = withdrawable[msg.sender];
        if (amount == 0) revert NothingToClaim();
        withdrawable[msg.sender] = 0;
        outstandingWithdrawals -= amount;
        _push(msg.sender, amount);
        emit Claimed(msg.sender, amount);
    }

    /// @notice The public hash a proof of this batch must carry first (docs/SPEC.md, "A batch"); its data
    ///         words follow it.
    /// @dev For tooling and tests: the sequencer can compare it with its own before proving.
    function publicInputOf(
        uint256 batchNumber,
        uint256 oldStateRoot,
        uint256 newStateRoot,
        uint256 fromDeposit,
        uint256 toDeposit,
        uint256 fromPriority,
        uint256 toPriority,
        Withdrawal[] calldata withdrawals,
        uint256 batchTimeMs
    ) external view returns (uint256) {
        if (toDeposit < fromDeposit || toDeposit > depositCount) {
            revert UnknownDeposits(toDeposit, depositCount);
        }
        if (toPriority < fromPriority || toPriority > priorityCount) {
            revert UnknownPriorityRequests(toPriority, priorityCount);
        }
        uint256 l1Hash = _l1Hash(fromDeposit, toDeposit, withdrawals, batchTimeMs);
        uint256 pHash = PoseidonT3.hash([priorityHashes[fromPriority], priorityHashes[toPriority]]);
        return _publicHash(batchNumber, oldStateRoot, newStateRoot, l1Hash, pHash);
    }

    /// @dev The L1 part of the public input: the deposits consumed, the withdrawals paid, the proven time.
    function _l1Hash(uint256 fromDeposit, uint256 toDeposit, Withdrawal[] calldata withdrawals, uint256 batchTimeMs)
        internal
        view
        returns (uint256)
    {
        return PoseidonT5.hash(
            [depositHashes[fromDeposit], depositHashes[toDeposit], _withdrawalHash(withdrawals), batchTimeMs]
        );
    }

    function _publicHash(
        uint256 batchNumber,
        uint256 oldStateRoot,
        uint256 newStateRoot,
        uint256 l1Hash,
        uint256 priorityHash
    ) internal pure returns (uint256) {
        return PoseidonT6.hash([oldStateRoot, newStateRoot, batchNumber, l1Hash, priorityHash]);
    }

    function _withdrawalHash(Withdrawal[] calldata withdrawals) internal pure returns (uint256 h) {
        for (uint256 i = 0; i < withdrawals.length; i++) {
            Withdrawal calldata w = withdrawals[i];
            // Poseidon reduces mod p: an unreduced id or amount would hash like a proven one and pay more.
            if (w.accountId >= FIELD) revert NotFieldElement(w.accountId);
            if (w.amount >= FIELD) revert NotFieldElement(w.amount);
            if (w.to == address(0)) revert WithdrawalToZeroAddress(i, w.accountId);
            h = PoseidonT5.hash([h, w.accountId, uint256(uint160(w.to)), w.amount]);
        }
    }

    /// @dev The generated verifier takes `uint[1 + dataWords]` public signals, a static array: its calldata is
    ///      the proof's eight words, the public hash and the data words in a row, which this builds directly.
    function _verify(uint256[8] calldata p, uint256 publicHash, uint256[] calldata data) internal view {
        bytes memory call = abi.encodePacked(VERIFY_PROOF_SELECTOR, p, publicHash, data);
        (bool ok, bytes memory ret) = _verifier.staticcall(call);
        if (!ok || ret.length != 32 || abi.decode(ret, (uint256)) != 1) revert InvalidProof();
    }

    /// @dev A key the L2 can use: reduced, x != 0, on the curve. The checks cost a few hundred gas.
    function _checkKey(uint256 x, uint256 y) internal pure {
        if (x >= FIELD || y >= FIELD || x == 0) revert InvalidPubKey(x, y);
        if (!BabyJubjub.isOnCurve(x, y)) revert PubKeyNotOnCurve(x, y);
    }

    function _decimal(uint256 x) internal pure returns (string memory) {
        if (x == 0) return "0";
        bytes memory b;
        for (; x > 0; x /= 10) {
            b = abi.encodePacked(bytes1(uint8(48 + (x % 10))), b);
        }
        return string(b);
    }

    function _checkBelow(uint256 value, uint256 limit) internal pure {
        if (value >= limit) revert GenesisValueOutOfRange(value, limit);
    }

    function _pull(address from, uint256 amount) internal {
        (bool ok, bytes memory ret) =
            address(_token).call(abi.encodeCall(IERC20Minimal.transferFrom, (from, address(this), amount)));
        if (!ok || (ret.length != 0 && !abi.decode(ret, (bool)))) revert TransferFailed();
    }

    function _push(address to, uint256 amount) internal {
        (bool ok, bytes memory ret) = address(_token).call(abi.encodeCall(IERC20Minimal.transfer, (to, amount)));
        if (!ok || (ret.length != 0 && !abi.decode(ret, (bool)))) revert TransferFailed();
    }
}
