// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "./utils/Test.sol";
import {VerifierDouble} from "./utils/VerifierDouble.sol";
import {IRollup} from "../src/IRollup.sol";
import {Rollup} from "../src/Rollup.sol";
import {MockUSDC} from "../src/MockUSDC.sol";

/// @notice The priority queue, its deadlines, desert mode and exits (issue 12), with a verifier double: these
///         tests are about what the contract binds and pays, not about Groth16. The signatures and hashes come
///         from TypeScript: test/vectors/l1-queue.json (script/gen-l1-queue-vectors.ts: node/l1/l1-messages.ts
///         signatures for this test's Rollup address, `priorityItem` chain, public hashes) and the tree
///         `d16m2` of test/vectors/l1-exit.json (a ProofChain state at depth 16 with two markets, its leaves,
///         paths and TS payouts). The Rollup starts from the `default` genesis of test/fixtures/hash-vectors.json
///         (depth 16, two markets) and one accepted batch moves it to the exit tree's root.
contract RollupDesertTest is Test {
    uint256 internal constant P = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    uint256 internal constant DATA_WORDS = 2;
    uint256 internal constant DEADLINE_BLOCKS = 100;
    uint256 internal constant DEADLINE_SECONDS = 3600;
    /// @dev Index of tree d16m2 in l1-exit.json's `trees`.
    string internal constant TREE = ".trees[1]";
    /// @dev The tree's accounts, in l1-exit.json's leaf order (their exit signatures share it).
    uint256 internal constant VAULT = 0;
    uint256 internal constant LONG_SHORT = 1;
    uint256 internal constant BANKRUPT = 2;
    uint256 internal constant EDGES = 4;

    address internal constant OPERATOR = address(0x0b0b);
    address internal constant DEPOSITOR = address(0xd0d0);

    Rollup internal rollup;
    MockUSDC internal usdc;
    VerifierDouble internal verifier;
    string internal queue;
    string internal exits;
    string internal hashes;
    uint256 internal genesisRoot;
    uint256[] internal data;
    uint256[8] internal proof;

    function setUp() public {
        string memory root = vm.projectRoot();
        queue = vm.readFile(string.concat(root, "/../test/vectors/l1-queue.json"));
        exits = vm.readFile(string.concat(root, "/../test/vectors/l1-exit.json"));
        hashes = vm.readFile(string.concat(root, "/test/fixtures/hash-vectors.json"));
        // The signatures name this address: the third contract this test creates (l1-queue-vectors.ts).
        usdc = new MockUSDC();
        verifier = new VerifierDouble();
        genesisRoot = vm.parseJsonUint(hashes, ".genesis.default.root");
        rollup = new Rollup(
            _genesis(),
            genesisRoot,
            address(verifier),
            address(usdc),
            OPERATOR,
            IRollup.Config({
                dataWords: DATA_WORDS, forcedDeadlineBlocks: DEADLINE_BLOCKS, forcedDeadlineSeconds: DEADLINE_SECONDS
            })
        );
        assertEq(address(rollup), vm.parseJsonAddress(queue, ".rollup"), "the vectors' Rollup address");
        assertEq(genesisRoot, vm.parseJsonUint(queue, ".genesisRoot"), "the vectors' genesis");
        data = new uint256[](DATA_WORDS);
        for (uint256 i = 0; i < 8; i++) {
            proof[i] = i + 1;
        }
        usdc.mint(DEPOSITOR, 1 << 100);
        vm.prank(DEPOSITOR);
        usdc.approve(address(rollup), type(uint256).max);
    }

    // ------------------------------------------------------------------ helpers

    function _genesis() internal view returns (IRollup.GenesisParams memory g) {
        string memory k = ".genesis.default.params";
        g.accountsDepth = vm.parseJsonUint(hashes, string.concat(k, ".accountsDepth"));
        g.vaultPubKeyX = vm.parseJsonUint(hashes, string.concat(k, ".vaultPubKeyX"));
        g.vaultPubKeyY = vm.parseJsonUint(hashes, string.concat(k, ".vaultPubKeyY"));
        g.vaultCollateral = vm.parseJsonUint(hashes, string.concat(k, ".vaultCollateral"));
        g.insuranceFund = vm.parseJsonUint(hashes, string.concat(k, ".insuranceFund"));
        g.markPrices = vm.parseJsonUintArray(hashes, string.concat(k, ".markPrices"));
        g.keeperPubKeyX = vm.parseJsonUint(hashes, string.concat(k, ".keeperPubKeyX"));
        g.keeperPubKeyY = vm.parseJsonUint(hashes, string.concat(k, ".keeperPubKeyY"));
    }

    function _at(string memory arr, uint256 i) internal pure returns (string memory) {
        return string.concat(arr, "[", vm.toString(i), "]");
    }

    struct Request {
        uint256 accountId;
        uint256 pubKeyX;
        uint256 pubKeyY;
        uint256 amount;
        address to;
        uint256[3] signature;
    }

    /// @dev `.requests[i]` of the queue vectors, or another request object at `key`.
    function _requestAt(string memory key) internal view returns (Request memory r) {
        r.accountId = vm.parseJsonUint(queue, string.concat(key, ".accountId"));
        r.pubKeyX = vm.parseJsonUint(queue, string.concat(key, ".pubKeyX"));
        r.pubKeyY = vm.parseJsonUint(queue, string.concat(key, ".pubKeyY"));
        r.amount = vm.parseJsonUint(queue, string.concat(key, ".amount"));
        r.to = vm.parseJsonAddress(queue, string.concat(key, ".to"));
        uint256[] memory s = vm.parseJsonUintArray(queue, string.concat(key, ".signature"));
        r.signature = [s[0], s[1], s[2]];
    }

    /// @dev Request 0 of the vectors is alice's forced withdrawal (nonce 0), request 1 her cancel-all (nonce 1).
    function _withdrawal() internal view returns (Request memory) {
        return _requestAt(".requests[0]");
    }

    function _cancelAll() internal view returns (Request memory) {
        return _requestAt(".requests[1]");
    }

    function _fileWithdrawal(Request memory r) internal {
        rollup.requestWithdrawal(r.accountId, r.pubKeyX, r.pubKeyY, r.amount, r.to, r.signature);
    }

    function _fileCancelAll(Request memory r) internal {
        rollup.requestCancelAll(r.accountId, r.pubKeyX, r.pubKeyY, r.signature);
    }

    function _none() internal pure returns (IRollup.Withdrawal[] memory) {
        return new IRollup.Withdrawal[](0);
    }

    function _submit(uint256 batch, uint256 oldRoot, uint256 newRoot, uint256 deposits, uint256 priority) internal {
        vm.prank(OPERATOR);
        rollup.submitBatch(batch, oldRoot, newRoot, deposits, priority, _none(), 0, data, proof);
    }

    /// @dev The public hash TS computed for `.batches[i]`, and its roots.
    function _batch(uint256 i) internal view returns (uint256 publicHash, uint256 oldRoot, uint256 newRoot) {
        string memory k = _at(".batches", i);
        publicHash = vm.parseJsonUint(queue, string.concat(k, ".publicHash"));
        oldRoot = vm.parseJsonUint(queue, string.concat(k, ".oldStateRoot"));
        newRoot = vm.parseJsonUint(queue, string.concat(k, ".newStateRoot"));
    }

    /// @dev Past both deadlines of a request filed now.
    function _pastBothDeadlines() internal {
        vm.roll(block.number + DEADLINE_BLOCKS + 1);
        vm.warp(block.timestamp + DEADLINE_SECONDS + 1);
    }

    /// @dev Batch 1 (accepted by the double) moves genesis to the exit tree's state root, consuming
    ///      `deposits`; then a forced withdrawal is left unserved past its deadlines and desert mode starts.
    function _desertAtTheExitTree(uint256 deposits) internal {
        _submit(1, genesisRoot, vm.parseJsonUint(exits, string.concat(TREE, ".stateRoot")), deposits, 0);
        _fileWithdrawal(_withdrawal());
        _pastBothDeadlines();
        rollup.activateDesertMode();
    }

    function _exitRoot() internal view returns (uint256) {
        return vm.parseJsonUint(exits, string.concat(TREE, ".accountsRoot"));
    }

    function _globalFields() internal view returns (uint256[] memory) {
        return vm.parseJsonUintArray(exits, string.concat(TREE, ".globalFields"));
    }

    struct ExitCall {
        uint256 accountId;
        uint256[] fields;
        uint256[] siblings;
        uint256[3] signature;
        uint256 payout;
    }

    /// @dev Leaf `i` of the exit tree with its path, TS payout and exit signature (to `.exitTo`).
    function _exitCall(uint256 i) internal view returns (ExitCall memory c) {
        string memory k = _at(string.concat(TREE, ".leaves"), i);
        c.accountId = vm.parseJsonUint(exits, string.concat(k, ".id"));
        c.fields = vm.parseJsonUintArray(exits, string.concat(k, ".fields"));
        c.siblings = vm.parseJsonUintArray(exits, string.concat(k, ".siblings"));
        c.payout = vm.parseJsonUint(exits, string.concat(k, ".payout"));
        string memory e = _at(".exits", i);
        assertEq(vm.parseJsonUint(queue, string.concat(e, ".id")), c.accountId, "exit signature's account");
        uint256[] memory s = vm.parseJsonUintArray(queue, string.concat(e, ".signature"));
        c.signature = [s[0], s[1], s[2]];
    }

    function _exit(ExitCall memory c) internal {
        rollup.exit(c.accountId, c.fields, c.siblings, _exitTo(), c.signature);
    }

    function _exitTo() internal view returns (address) {
        return vm.parseJsonAddress(queue, ".exitTo");
    }

    // ------------------------------------------------------------------ the queue

    function test_requests_chainTheTsPriorityHashesEmitAndCountNonces() public {
        Request memory w = _withdrawal();
        Request memory c = _cancelAll();
        uint256 h1 = vm.parseJsonUint(queue, ".priorityHashes[1]");
        uint256 h2 = vm.parseJsonUint(queue, ".priorityHashes[2]");
        uint256 b = block.number;
        uint256 t = block.timestamp;

        vm.expectEmit(true, true, true, true, address(rollup));
        emit IRollup.PriorityRequest(
            0, 1, w.accountId, w.pubKeyX, w.pubKeyY, w.amount, w.to, b + DEADLINE_BLOCKS, t + DEADLINE_SECONDS, h1
        );
        _fileWithdrawal(w);
        emit log_named_uint("requestWithdrawal", vm.snapshotGasLastCall("requestWithdrawal"));
        assertEq(rollup.forcedNonce(w.accountId), 1, "forcedNonce after one request");

        vm.roll(b + 7);
        vm.warp(t + 70);
        vm.expectEmit(true, true, true, true, address(rollup));
        emit IRollup.PriorityRequest(
            1,
            2,
            c.accountId,
            c.pubKeyX,
            c.pubKeyY,
            0,
            address(0),
            b + 7 + DEADLINE_BLOCKS,
            t + 70 + DEADLINE_SECONDS,
            h2
        );
        _fileCancelAll(c);
        emit log_named_uint("requestCancelAll", vm.snapshotGasLastCall("requestCancelAll"));

        assertEq(rollup.priorityCount(), 2, "priorityCount");
        assertEq(rollup.priorityConsumed(), 0, "priorityConsumed");
        assertEq(rollup.forcedNonce(c.accountId), 2, "forcedNonce after two requests");
        for (uint256 k = 0; k <= 2; k++) {
            assertEq(rollup.priorityHashes(k), vm.parseJsonUint(queue, _at(".priorityHashes", k)), "priorityHashes[k]");
        }
        (uint256 db, uint256 dt) = rollup.priorityDeadline(1);
        assertEq(db, b + 7 + DEADLINE_BLOCKS, "deadline block of request 1");
        assertEq(dt, t + 70 + DEADLINE_SECONDS, "deadline time of request 1");
    }

    function test_requestWithdrawal_refusesAReplayedSignature() public {
        Request memory w = _withdrawal();
        _fileWithdrawal(w);
        // The nonce moved to 1: the same signature now signs a message the contract no longer asks for.
        vm.expectRevert(IRollup.BadSignature.selector);
        _fileWithdrawal(w);
        assertEq(rollup.priorityCount(), 1, "filed once");
    }

    function test_requestCancelAll_refusesAReplayedSignature() public {
        _fileWithdrawal(_withdrawal());
        Request memory c = _cancelAll();
        _fileCancelAll(c);
        vm.expectRevert(IRollup.BadSignature.selector);
        _fileCancelAll(c);
        assertEq(rollup.forcedNonce(c.accountId), 2, "forcedNonce");
    }

    function test_requestCancelAll_revertsOnASignatureOfAnotherNonce() public {
        // Signed for nonce 1, filed while the account's nonce is 0.
        vm.expectRevert(IRollup.BadSignature.selector);
        _fileCancelAll(_cancelAll());
    }

    function test_requestWithdrawal_revertsOnASignatureByAnotherKey() public {
        vm.expectRevert(IRollup.BadSignature.selector);
        _fileWithdrawal(_requestAt(".forgedRequest"));
        assertEq(rollup.forcedNonce(5), 0, "no nonce taken");
    }

    function test_requestWithdrawal_revertsOnAnAlteredAmountOrRecipient() public {
        Request memory w = _withdrawal();
        w.amount += 1;
        vm.expectRevert(IRollup.BadSignature.selector);
        _fileWithdrawal(w);
        w.amount -= 1;
        w.to = OPERATOR;
        vm.expectRevert(IRollup.BadSignature.selector);
        _fileWithdrawal(w);
    }

    function test_requestWithdrawal_revertsOnAZeroOrTooLargeAmount() public {
        Request memory w = _withdrawal();
        w.amount = 0;
        vm.expectRevert(abi.encodeWithSelector(IRollup.InvalidWithdrawalAmount.selector, 0));
        _fileWithdrawal(w);
        w.amount = 1 << 80;
        vm.expectRevert(abi.encodeWithSelector(IRollup.InvalidWithdrawalAmount.selector, uint256(1 << 80)));
        _fileWithdrawal(w);
    }

    function test_requestWithdrawal_revertsOnZeroAddress() public {
        Request memory w = _withdrawal();
        w.to = address(0);
        vm.expectRevert(abi.encodeWithSelector(IRollup.WithdrawalToZeroAddress.selector, 0, w.accountId));
        _fileWithdrawal(w);
    }

    function test_requests_revertOnAnAccountOutsideTheTree() public {
        Request memory w = _withdrawal();
        w.accountId = 1 << 16;
        vm.expectRevert(abi.encodeWithSelector(IRollup.UnknownAccount.selector, uint256(1 << 16)));
        _fileWithdrawal(w);
        vm.expectRevert(abi.encodeWithSelector(IRollup.UnknownAccount.selector, uint256(1 << 16)));
        _fileCancelAll(w);
    }

    function test_requests_revertOnAKeyThatIsNotACurvePoint() public {
        Request memory w = _withdrawal();
        uint256 y = w.pubKeyY;
        w.pubKeyX = 0;
        vm.expectRevert(abi.encodeWithSelector(IRollup.InvalidPubKey.selector, 0, y));
        _fileWithdrawal(w);
        vm.expectRevert(abi.encodeWithSelector(IRollup.InvalidPubKey.selector, 0, y));
        _fileCancelAll(w);
        w = _withdrawal();
        w.pubKeyY += 1;
        vm.expectRevert(abi.encodeWithSelector(IRollup.PubKeyNotOnCurve.selector, w.pubKeyX, w.pubKeyY));
        _fileWithdrawal(w);
        vm.expectRevert(abi.encodeWithSelector(IRollup.PubKeyNotOnCurve.selector, w.pubKeyX, w.pubKeyY));
        _fileCancelAll(w);
    }

    // ------------------------------------------------------------------ the operator serves the queue in order

    function test_publicInputOf_matchesTheTsPublicHashOfServingRequest0() public {
        _fileWithdrawal(_withdrawal());
        _fileCancelAll(_cancelAll());
        (uint256 want, uint256 oldRoot, uint256 newRoot) = _batch(0);
        assertEq(rollup.publicInputOf(1, oldRoot, newRoot, 0, 0, 0, 1, _none(), 0), want, "publicHash serving [0]");
    }

    function test_publicInputOf_revertsOnARangeOfRequestsNeverFiled() public {
        _fileWithdrawal(_withdrawal());
        vm.expectRevert(abi.encodeWithSelector(IRollup.UnknownPriorityRequests.selector, 2, 1));
        rollup.publicInputOf(1, genesisRoot, 5, 0, 0, 0, 2, _none(), 0);
        vm.expectRevert(abi.encodeWithSelector(IRollup.UnknownPriorityRequests.selector, 0, 1));
        rollup.publicInputOf(1, genesisRoot, 5, 0, 0, 1, 0, _none(), 0);
    }

    function test_submitBatch_cannotSkipOrReorderThePriorityQueue() public {
        _fileWithdrawal(_withdrawal());
        _fileCancelAll(_cancelAll());
        (uint256 serve0, uint256 oldRoot, uint256 root1) = _batch(0);

        // A proof that served request 0 only: claiming to serve none, or both, is another statement.
        verifier.acceptOnly(serve0);
        vm.expectRevert(IRollup.InvalidProof.selector);
        _submit(1, oldRoot, root1, 0, 0);
        vm.expectRevert(IRollup.InvalidProof.selector);
        _submit(1, oldRoot, root1, 0, 2);
        vm.expectRevert(abi.encodeWithSelector(IRollup.UnknownPriorityRequests.selector, 3, 2));
        _submit(1, oldRoot, root1, 0, 3);

        // Proofs of the queue served out of order (request 1 first, or 1 then 0) bind other queue hashes.
        (uint256 serve1First,,) = _batch(1);
        verifier.acceptOnly(serve1First);
        vm.expectRevert(IRollup.InvalidProof.selector);
        _submit(1, oldRoot, root1, 0, 1);
        (uint256 serve1Then0,,) = _batch(2);
        verifier.acceptOnly(serve1Then0);
        vm.expectRevert(IRollup.InvalidProof.selector);
        _submit(1, oldRoot, root1, 0, 2);
        assertEq(rollup.priorityConsumed(), 0, "nothing consumed");

        // In order: request 0 in batch 1, then request 1 in batch 2.
        verifier.acceptOnly(serve0);
        _submit(1, oldRoot, root1, 0, 1);
        assertEq(rollup.priorityConsumed(), 1, "priorityConsumed after batch 1");
        (uint256 thenServe1,, uint256 root2) = _batch(3);
        verifier.acceptOnly(serve0);
        vm.expectRevert(IRollup.InvalidProof.selector);
        _submit(2, root1, root2, 0, 1); // the proof of [0] again does not serve [1]
        verifier.acceptOnly(thenServe1);
        _submit(2, root1, root2, 0, 1);
        assertEq(rollup.priorityConsumed(), 2, "priorityConsumed after batch 2");
        assertEq(rollup.stateRoot(), root2, "stateRoot");
    }

    // ------------------------------------------------------------------ deadlines

    function test_activateDesertMode_revertsWithNothingQueued() public {
        vm.roll(block.number + 10 * DEADLINE_BLOCKS);
        vm.warp(block.timestamp + 10 * DEADLINE_SECONDS);
        vm.expectRevert(abi.encodeWithSelector(IRollup.NoExpiredRequest.selector, 0, 0, 0));
        rollup.activateDesertMode();
    }

    function test_activateDesertMode_needsBothDeadlinesPassed() public {
        uint256 b = block.number;
        uint256 t = block.timestamp;
        _fileWithdrawal(_withdrawal());
        uint256 db = b + DEADLINE_BLOCKS;
        uint256 dt = t + DEADLINE_SECONDS;
        bytes memory notYet = abi.encodeWithSelector(IRollup.NoExpiredRequest.selector, 0, db, dt);

        // At both deadlines: not past them.
        vm.roll(db);
        vm.warp(dt);
        vm.expectRevert(notYet);
        rollup.activateDesertMode();
        // Blocks past, time not.
        vm.roll(db + 1_000);
        vm.expectRevert(notYet);
        rollup.activateDesertMode();
        // Time past, blocks not.
        vm.roll(db);
        vm.warp(dt + 1_000_000);
        vm.expectRevert(notYet);
        rollup.activateDesertMode();

        vm.roll(db + 1);
        vm.expectEmit(true, true, true, true, address(rollup));
        emit IRollup.DesertMode(0, genesisRoot, 0);
        rollup.activateDesertMode();
        emit log_named_uint("activateDesertMode", vm.snapshotGasLastCall("activateDesertMode"));
        assertTrue(rollup.desertMode(), "desertMode");
    }

    function test_activateDesertMode_looksAtTheOldestUnconsumedRequestOnly() public {
        _fileWithdrawal(_withdrawal());
        _submit(1, genesisRoot, 5, 0, 1); // the double accepts: request 0 is served
        vm.roll(block.number + 50);
        vm.warp(block.timestamp + 50);
        _fileCancelAll(_cancelAll());
        (uint256 db, uint256 dt) = rollup.priorityDeadline(1);
        // Request 0's deadlines have passed, but it was served; request 1's have not.
        vm.roll(db - 10);
        vm.warp(dt - 10);
        vm.expectRevert(abi.encodeWithSelector(IRollup.NoExpiredRequest.selector, 1, db, dt));
        rollup.activateDesertMode();
        vm.roll(db + 1);
        vm.warp(dt + 1);
        rollup.activateDesertMode();
        assertTrue(rollup.desertMode(), "desertMode");
    }

    function test_desertMode_stopsBatchesDepositsAndRequests() public {
        _fileWithdrawal(_withdrawal());
        _pastBothDeadlines();
        rollup.activateDesertMode();

        vm.expectRevert(IRollup.DesertModeActive.selector);
        _submit(1, genesisRoot, 5, 0, 1);
        uint256 kx = vm.parseJsonUint(hashes, ".key.pubKeyX");
        uint256 ky = vm.parseJsonUint(hashes, ".key.pubKeyY");
        vm.expectRevert(IRollup.DesertModeActive.selector);
        vm.prank(DEPOSITOR);
        rollup.deposit(kx, ky, 1_000);
        vm.expectRevert(IRollup.DesertModeActive.selector);
        _fileCancelAll(_cancelAll());
        Request memory w = _withdrawal();
        vm.expectRevert(IRollup.DesertModeActive.selector);
        _fileWithdrawal(w);
        vm.expectRevert(IRollup.DesertModeActive.selector);
        rollup.activateDesertMode();
    }

    function test_desertFunctions_revertWhileTheRollupRuns() public {
        vm.expectRevert(IRollup.DesertModeInactive.selector);
        rollup.refundDeposit(0);
        uint256[] memory globalFields = _globalFields();
        vm.expectRevert(IRollup.DesertModeInactive.selector);
        rollup.proveExitState(_exitRoot(), globalFields);
        ExitCall memory c = _exitCall(VAULT);
        vm.expectRevert(IRollup.DesertModeInactive.selector);
        _exit(c);
    }

    // ------------------------------------------------------------------ exit state

    function test_proveExitState_takesTheTreeOfTheLastVerifiedRootOnce() public {
        _desertAtTheExitTree(0);
        ExitCall memory c = _exitCall(VAULT);
        vm.expectRevert(IRollup.ExitStateNotProven.selector);
        _exit(c);

        uint256 stateRoot = rollup.stateRoot();
        uint256[] memory globalFields = _globalFields();
        vm.expectPartialRevert(IRollup.BadExitState.selector);
        rollup.proveExitState(_exitRoot() + 1, globalFields);
        globalFields[0] += 1; // another index price of market 0
        vm.expectPartialRevert(IRollup.BadExitState.selector);
        rollup.proveExitState(_exitRoot(), globalFields);
        globalFields[0] -= 1;

        vm.expectEmit(true, true, true, true, address(rollup));
        emit IRollup.ExitStateProven(_exitRoot());
        rollup.proveExitState(_exitRoot(), globalFields);
        emit log_named_uint("proveExitState (M = 2)", vm.snapshotGasLastCall("proveExitState"));
        assertTrue(rollup.exitStateProven(), "exitStateProven");
        assertEq(rollup.exitAccountsRoot(), _exitRoot(), "exitAccountsRoot");
        assertEq(rollup.stateRoot(), stateRoot, "the root stays");

        vm.expectRevert(IRollup.ExitStateAlreadyProven.selector);
        rollup.proveExitState(_exitRoot(), globalFields);
    }

    function test_proveExitState_revertsOnATreeOtherThanTheLastVerified() public {
        // Desert mode at genesis: the exit tree is not the state the rollup stopped at.
        _fileWithdrawal(_withdrawal());
        _pastBothDeadlines();
        rollup.activateDesertMode();
        uint256[] memory globalFields = _globalFields();
        vm.expectPartialRevert(IRollup.BadExitState.selector);
        rollup.proveExitState(_exitRoot(), globalFields);
    }

    // ------------------------------------------------------------------ exits

    function _provenExitState() internal {
        _desertAtTheExitTree(0);
        rollup.proveExitState(_exitRoot(), _globalFields());
    }

    function test_exit_paysTheTsPayoutsOnceAndCapsAtWhatIsFree() public {
        _provenExitState();
        ExitCall memory vault = _exitCall(VAULT);
        ExitCall memory longShort = _exitCall(LONG_SHORT);
        ExitCall memory bankrupt = _exitCall(BANKRUPT);
        ExitCall memory edges = _exitCall(EDGES);
        uint256 spare = 12_345;
        usdc.mint(address(rollup), vault.payout + longShort.payout + spare);
        address to = _exitTo();
        assertEq(rollup.freeForExits(), vault.payout + longShort.payout + spare, "free before");

        vm.expectEmit(true, true, true, true, address(rollup));
        emit IRollup.Exit(vault.accountId, to, vault.payout, vault.payout);
        _exit(vault);
        emit log_named_uint("exit (depth 16, M = 2)", vm.snapshotGasLastCall("exit"));
        assertEq(usdc.balanceOf(to), vault.payout, "vault paid");

        _exit(longShort);
        assertEq(usdc.balanceOf(to), vault.payout + longShort.payout, "long-short paid");
        assertTrue(longShort.payout > 0, "long-short is owed something");

        vm.expectEmit(true, true, true, true, address(rollup));
        emit IRollup.Exit(bankrupt.accountId, to, 0, 0);
        _exit(bankrupt);
        assertEq(usdc.balanceOf(to), vault.payout + longShort.payout, "a bankrupt account is paid 0");

        vm.expectRevert(abi.encodeWithSelector(IRollup.AlreadyExited.selector, longShort.accountId));
        _exit(longShort);

        // The last claim is more than is left: it takes what is free (the shortfall is the last exit's).
        assertTrue(edges.payout > spare, "the edge account's claim exceeds what is left");
        vm.expectEmit(true, true, true, true, address(rollup));
        emit IRollup.Exit(edges.accountId, to, edges.payout, spare);
        _exit(edges);
        assertEq(usdc.balanceOf(to), vault.payout + longShort.payout + spare, "capped payout");
        assertEq(rollup.freeForExits(), 0, "nothing free");
        assertEq(usdc.balanceOf(address(rollup)), 0, "the contract paid out all it held");
        assertTrue(rollup.exited(edges.accountId), "nullified");
    }

    function test_exit_revertsOnAForgedLeafOrPath() public {
        _provenExitState();
        usdc.mint(address(rollup), 1 << 90);
        ExitCall memory c = _exitCall(LONG_SHORT);

        c.fields[3] += 1; // one more unit of collateral
        vm.expectRevert(abi.encodeWithSelector(IRollup.BadExitProof.selector, c.accountId));
        _exit(c);
        c.fields[3] -= 1;

        c.siblings[5] ^= 1;
        vm.expectRevert(abi.encodeWithSelector(IRollup.BadExitProof.selector, c.accountId));
        _exit(c);
        c.siblings[5] ^= 1;

        // Another account's id with this leaf and path.
        c.accountId += 2;
        vm.expectRevert(abi.encodeWithSelector(IRollup.BadExitProof.selector, c.accountId));
        _exit(c);
        c.accountId -= 2;

        uint256[] memory shortPath = new uint256[](c.siblings.length - 1);
        for (uint256 i = 0; i < shortPath.length; i++) {
            shortPath[i] = c.siblings[i];
        }
        vm.expectRevert(abi.encodeWithSelector(IRollup.BadExitProof.selector, c.accountId));
        rollup.exit(c.accountId, c.fields, shortPath, _exitTo(), c.signature);

        // An unreduced field hashes like the real one: refused before the proof.
        c.fields[3] += P;
        vm.expectRevert(abi.encodeWithSelector(IRollup.NotFieldElement.selector, c.fields[3]));
        _exit(c);
        c.fields[3] -= P;

        _exit(c);
        assertEq(usdc.balanceOf(_exitTo()), c.payout, "the true leaf is paid");
    }

    function test_exit_revertsOnAWrongSignerOrRecipient() public {
        _provenExitState();
        usdc.mint(address(rollup), 1 << 90);
        ExitCall memory c = _exitCall(LONG_SHORT);
        uint256[] memory s = vm.parseJsonUintArray(queue, ".wrongSignerExit.signature");
        assertEq(vm.parseJsonUint(queue, ".wrongSignerExit.id"), c.accountId, "vector's account");

        vm.expectRevert(IRollup.BadSignature.selector);
        rollup.exit(c.accountId, c.fields, c.siblings, _exitTo(), [s[0], s[1], s[2]]);
        // The owner's signature names its recipient: paying someone else is not what it signed.
        vm.expectRevert(IRollup.BadSignature.selector);
        rollup.exit(c.accountId, c.fields, c.siblings, OPERATOR, c.signature);
        vm.expectRevert(IRollup.ZeroAddress.selector);
        rollup.exit(c.accountId, c.fields, c.siblings, address(0), c.signature);
        assertTrue(!rollup.exited(c.accountId), "not nullified by a refused exit");
    }

    // ------------------------------------------------------------------ refunds

    function test_refundDeposit_paysTheDepositorOfAnUnconsumedDepositOnce() public {
        uint256 kx = vm.parseJsonUint(hashes, ".key.pubKeyX");
        uint256 ky = vm.parseJsonUint(hashes, ".key.pubKeyY");
        vm.startPrank(DEPOSITOR);
        rollup.deposit(kx, ky, 700);
        rollup.deposit(kx, ky, 4_000);
        vm.stopPrank();
        _desertAtTheExitTree(1); // batch 1 credits deposit 0 on L2; deposit 1 never makes it
        rollup.proveExitState(_exitRoot(), _globalFields());
        // The 700 is L2 cash now (exits pay it); the 4,000 is the depositor's.
        assertEq(rollup.freeForExits(), 700, "free: the consumed deposit only");

        vm.expectRevert(abi.encodeWithSelector(IRollup.UnknownDeposits.selector, 1, 2));
        rollup.refundDeposit(0);
        vm.expectRevert(abi.encodeWithSelector(IRollup.UnknownDeposits.selector, 3, 2));
        rollup.refundDeposit(2);

        uint256 before = usdc.balanceOf(DEPOSITOR);
        vm.expectEmit(true, true, true, true, address(rollup));
        emit IRollup.DepositRefunded(1, DEPOSITOR, 4_000);
        rollup.refundDeposit(1);
        assertEq(usdc.balanceOf(DEPOSITOR), before + 4_000, "refunded");
        assertEq(rollup.freeForExits(), 700, "free unchanged by the refund");

        vm.expectRevert(IRollup.NothingToClaim.selector);
        rollup.refundDeposit(1);
        assertEq(usdc.balanceOf(DEPOSITOR), before + 4_000, "not twice");
    }

    function test_freeForExits_keepsWithdrawalsOwedOutOfExits() public {
        vm.prank(DEPOSITOR);
        rollup.deposit(vm.parseJsonUint(hashes, ".key.pubKeyX"), vm.parseJsonUint(hashes, ".key.pubKeyY"), 10_000);
        IRollup.Withdrawal[] memory ws = new IRollup.Withdrawal[](1);
        ws[0] = IRollup.Withdrawal({accountId: 3, to: address(0xbeef), amount: 2_500});
        vm.prank(OPERATOR);
        rollup.submitBatch(
            1, genesisRoot, vm.parseJsonUint(exits, string.concat(TREE, ".stateRoot")), 1, 0, ws, 0, data, proof
        );
        _fileWithdrawal(_withdrawal());
        _pastBothDeadlines();
        rollup.activateDesertMode();
        assertEq(rollup.freeForExits(), 7_500, "balance less the withdrawal owed");
        vm.prank(address(0xbeef));
        rollup.claim();
        assertEq(rollup.freeForExits(), 7_500, "a claim does not change what is free");
    }
}
