// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PoseidonT5} from "poseidon-solidity/PoseidonT5.sol";
import {PoseidonT6} from "poseidon-solidity/PoseidonT6.sol";
import {BabyJubjub} from "./BabyJubjub.sol";
import {GenesisState} from "./GenesisState.sol";
import {IRollup} from "./IRollup.sol";
import {IGroth16Verifier} from "./IGroth16Verifier.sol";
import {IERC20Minimal} from "./IERC20Minimal.sol";

/// @title Rollup
/// @notice Holds the L2 state root, the deposit queue and the withdrawal balances of the zk perps rollup.
///         A batch moves the root only with a Groth16 proof over the single public input of docs/SPEC.md.
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

    IGroth16Verifier internal immutable _verifier;
    IERC20Minimal internal immutable _token;
    address public immutable operator;
    uint256 public immutable genesisStateRoot;
    uint256 public immutable accountsDepth;
    uint256 public immutable markets;
    uint256 public immutable keeperPubKeyX;
    uint256 public immutable keeperPubKeyY;

    uint256 public stateRoot;
    uint256 public lastVerifiedBatch;
    uint256 public depositCount;
    uint256 public depositsConsumed;
    /// @notice The proven time of the last verified batch (ms); the next may not be earlier.
    uint256 public lastBatchTimeMs;
    /// @dev depositHashes[0] is 0 by default, as the spec's chain starts at 0.
    mapping(uint256 => uint256) public depositHashes;
    mapping(address => uint256) public withdrawable;

    /// @param genesis The genesis state's parameters; the constructor computes its root.
    /// @param genesisRoot The root the deployer computed off chain (node/genesis.ts): must equal the
    ///        contract's, so an encoding drift between TS and Solidity fails the deployment (BadGenesis).
    constructor(
        GenesisParams memory genesis,
        uint256 genesisRoot,
        address verifier_,
        address token_,
        address operator_
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
        _verifier = IGroth16Verifier(verifier_);
        _token = IERC20Minimal(token_);
        operator = operator_;
    }

    function token() external view returns (address) {
        return address(_token);
    }

    function verifier() external view returns (address) {
        return address(_verifier);
    }

    /// @inheritdoc IRollup
    function deposit(uint256 pubKeyX, uint256 pubKeyY, uint256 amount) external {
        if (amount == 0 || amount >= MAX_DEPOSIT) revert InvalidDepositAmount(amount);
        _checkKey(pubKeyX, pubKeyY);
        _pull(msg.sender, amount);

        uint256 index = depositCount;
        uint256 h = PoseidonT5.hash([depositHashes[index], pubKeyX, pubKeyY, amount]);
        depositHashes[index + 1] = h;
        depositCount = index + 1;
        emit Deposit(index, pubKeyX, pubKeyY, amount, h);
    }

    /// @inheritdoc IRollup
    function submitBatch(
        uint256 batchNumber,
        uint256 oldStateRoot,
        uint256 newStateRoot,
        uint256 depositCount_,
        Withdrawal[] calldata withdrawals,
        uint256 batchTimeMs,
        bytes calldata batchData,
        uint256[8] calldata proof
    ) external {
        if (msg.sender != operator) revert NotOperator();
        _checkOrder(batchNumber, oldStateRoot);
        uint256 consumed = depositsConsumed;
        uint256 newConsumed = consumed + depositCount_;
        if (newConsumed > depositCount) revert UnknownDeposits(newConsumed, depositCount);
        if (newStateRoot >= FIELD) revert NotFieldElement(newStateRoot);
        _checkBatchTime(batchTimeMs);

        {
            uint256 l1Hash = _l1Hash(consumed, newConsumed, withdrawals, batchTimeMs);
            _verify(proof, _publicHash(batchNumber, oldStateRoot, newStateRoot, l1Hash, batchData));
        }

        stateRoot = newStateRoot;
        lastVerifiedBatch = batchNumber;
        depositsConsumed = newConsumed;
        lastBatchTimeMs = batchTimeMs;
        _credit(batchNumber, withdrawals);
        emit BatchVerified(batchNumber, newStateRoot);
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
            emit WithdrawalQueued(batchNumber, w.accountId, w.to, w.amount);
        }
    }

    /// @inheritdoc IRollup
    function claim() external {
        uint256 amount = withdrawable[msg.sender];
        if (amount == 0) revert NothingToClaim();
        withdrawable[msg.sender] = 0;
        _push(msg.sender, amount);
        emit Claimed(msg.sender, amount);
    }

    /// @notice The single public input a proof of this batch must carry (docs/SPEC.md, "A batch").
    /// @dev For tooling and tests: the sequencer can compare it with its own before proving.
    function publicInputOf(
        uint256 batchNumber,
        uint256 oldStateRoot,
        uint256 newStateRoot,
        uint256 fromDeposit,
        uint256 toDeposit,
        Withdrawal[] calldata withdrawals,
        uint256 batchTimeMs,
        bytes calldata batchData
    ) external view returns (uint256) {
        if (toDeposit < fromDeposit || toDeposit > depositCount) {
            revert UnknownDeposits(toDeposit, depositCount);
        }
        uint256 l1Hash = _l1Hash(fromDeposit, toDeposit, withdrawals, batchTimeMs);
        return _publicHash(batchNumber, oldStateRoot, newStateRoot, l1Hash, batchData);
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
        bytes calldata batchData
    ) internal pure returns (uint256) {
        // Shifted to fit below the field modulus; the circuit takes it as an opaque input.
        uint256 dataHash = uint256(keccak256(batchData)) >> 8;
        return PoseidonT6.hash([oldStateRoot, newStateRoot, batchNumber, l1Hash, dataHash]);
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

    function _verify(uint256[8] calldata p, uint256 publicHash) internal view {
        try _verifier.verifyProof([p[0], p[1]], [[p[2], p[3]], [p[4], p[5]]], [p[6], p[7]], [publicHash]) returns (
            bool ok
        ) {
            if (!ok) revert InvalidProof();
        } catch {
            revert InvalidProof();
        }
    }

    /// @dev A key the L2 can use: reduced, x != 0, on the curve. The checks cost a few hundred gas.
    function _checkKey(uint256 x, uint256 y) internal pure {
        if (x >= FIELD || y >= FIELD || x == 0) revert InvalidPubKey(x, y);
        if (!BabyJubjub.isOnCurve(x, y)) revert PubKeyNotOnCurve(x, y);
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
