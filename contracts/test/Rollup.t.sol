// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "./utils/Test.sol";
import {VerifierDouble} from "./utils/VerifierDouble.sol";
import {IRollup} from "../src/IRollup.sol";
import {Rollup} from "../src/Rollup.sol";
import {MockUSDC} from "../src/MockUSDC.sol";

/// @notice Rollup logic with a verifier double (these tests are not about the verifier). Hash values come
///         from test/fixtures/hash-vectors.json, written by script/gen-fixtures.ts with the TS Poseidon.
contract RollupTest is Test {
    uint256 internal constant P = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    /// @dev The genesis root of the "tiny" vector (D = 2), set in setUp: the old root of batch 1.
    uint256 internal GENESIS;

    address internal constant OPERATOR = address(0x0b0b);
    address internal constant ALICE = address(0xa11ce);

    Rollup internal rollup;
    MockUSDC internal usdc;
    VerifierDouble internal verifier;
    string internal vectors;
    uint256[8] internal proof;
    /// @dev The vectors' batch data words (DATA_WORDS of them).
    uint256[] internal data;
    uint256 internal constant DATA_WORDS = 4;

    function setUp() public {
        usdc = new MockUSDC();
        verifier = new VerifierDouble();
        vectors = vm.readFile(string.concat(vm.projectRoot(), "/test/fixtures/hash-vectors.json"));
        IRollup.GenesisParams memory g;
        (g, GENESIS) = _genesis("tiny");
        rollup = new Rollup(g, GENESIS, address(verifier), address(usdc), OPERATOR, _config());
        data = vm.parseJsonUintArray(vectors, ".batch.data");
        usdc.mint(ALICE, 1 << 100);
        vm.prank(ALICE);
        usdc.approve(address(rollup), type(uint256).max);
        for (uint256 i = 0; i < 8; i++) {
            proof[i] = i + 1;
        }
    }

    // ------------------------------------------------------------------ helpers

    /// @dev A genesis case of the vectors (node/genesis.ts) and the root TS computed for it.
    function _genesis(string memory name) internal view returns (IRollup.GenesisParams memory g, uint256 root) {
        string memory k = string.concat(".genesis.", name);
        root = vm.parseJsonUint(vectors, string.concat(k, ".root"));
        k = string.concat(k, ".params");
        g.accountsDepth = vm.parseJsonUint(vectors, string.concat(k, ".accountsDepth"));
        g.vaultPubKeyX = vm.parseJsonUint(vectors, string.concat(k, ".vaultPubKeyX"));
        g.vaultPubKeyY = vm.parseJsonUint(vectors, string.concat(k, ".vaultPubKeyY"));
        g.vaultCollateral = vm.parseJsonUint(vectors, string.concat(k, ".vaultCollateral"));
        g.insuranceFund = vm.parseJsonUint(vectors, string.concat(k, ".insuranceFund"));
        g.markPrices = vm.parseJsonUintArray(vectors, string.concat(k, ".markPrices"));
        g.keeperPubKeyX = vm.parseJsonUint(vectors, string.concat(k, ".keeperPubKeyX"));
        g.keeperPubKeyY = vm.parseJsonUint(vectors, string.concat(k, ".keeperPubKeyY"));
    }

    function _config() internal pure returns (IRollup.Config memory) {
        return IRollup.Config({dataWords: DATA_WORDS, forcedDeadlineBlocks: 100, forcedDeadlineSeconds: 3600});
    }

    function _deploy(IRollup.GenesisParams memory g, uint256 root) internal returns (Rollup) {
        return new Rollup(g, root, address(verifier), address(usdc), OPERATOR, _config());
    }

    /// @dev Pays `amount` to the address the next `new Rollup` from this contract gets.
    function _prefundNextDeployment(uint256 amount) internal {
        usdc.mint(vm.computeCreateAddress(address(this), vm.getNonce(address(this))), amount);
    }

    /// @dev Deploys and expects BadGenesis(anything but `given`, given): a changed parameter changes the root.
    function _expectBadGenesis(IRollup.GenesisParams memory g, uint256 given, string memory what) internal {
        try this.deployExternal(g, given) {
            assertTrue(false, string.concat("deployed with a changed ", what));
        } catch (bytes memory err) {
            // casting to 'bytes4' is safe because it is meant to keep only the revert data's selector
            // forge-lint: disable-next-line(unsafe-typecast)
            assertTrue(bytes4(err) == IRollup.BadGenesis.selector, string.concat("BadGenesis for ", what));
            uint256 expected;
            uint256 got;
            assembly {
                expected := mload(add(err, 0x24))
                got := mload(add(err, 0x44))
            }
            assertEq(got, given, "given root echoed");
            assertTrue(expected != given, string.concat("the root moves with ", what));
        }
    }

    function deployExternal(IRollup.GenesisParams memory g, uint256 root) external returns (address) {
        return address(_deploy(g, root));
    }

    /// @dev A valid BabyJubjub key (a dev key from the vectors).
    function _key() internal view returns (uint256 x, uint256 y) {
        x = vm.parseJsonUint(vectors, ".key.pubKeyX");
        y = vm.parseJsonUint(vectors, ".key.pubKeyY");
    }

    function _fixtureDeposit(uint256 i) internal view returns (uint256 x, uint256 y, uint256 amount) {
        string memory k = string.concat(".deposits[", vm.toString(i), "]");
        x = vm.parseJsonUint(vectors, string.concat(k, ".pubKeyX"));
        y = vm.parseJsonUint(vectors, string.concat(k, ".pubKeyY"));
        amount = vm.parseJsonUint(vectors, string.concat(k, ".amount"));
    }

    function _depositFixture(uint256 n) internal {
        for (uint256 i = 0; i < n; i++) {
            (uint256 x, uint256 y, uint256 amount) = _fixtureDeposit(i);
            vm.prank(ALICE);
            rollup.deposit(x, y, amount);
        }
    }

    function _fixtureWithdrawals() internal view returns (IRollup.Withdrawal[] memory ws) {
        ws = new IRollup.Withdrawal[](2);
        for (uint256 i = 0; i < 2; i++) {
            string memory k = string.concat(".withdrawals[", vm.toString(i), "]");
            ws[i] = IRollup.Withdrawal({
                accountId: vm.parseJsonUint(vectors, string.concat(k, ".accountId")),
                to: vm.parseJsonAddress(vectors, string.concat(k, ".to")),
                amount: vm.parseJsonUint(vectors, string.concat(k, ".amount"))
            });
        }
    }

    function _none() internal pure returns (IRollup.Withdrawal[] memory) {
        return new IRollup.Withdrawal[](0);
    }

    function _submit(uint256 batch, uint256 oldRoot, uint256 newRoot, uint256 deposits) internal {
        vm.prank(OPERATOR);
        rollup.submitBatch(batch, oldRoot, newRoot, deposits, 0, _none(), 0, data, proof);
    }

    // ------------------------------------------------------------------ deposits

    function test_deposit_hashChainMatchesTypeScriptPoseidon() public {
        _depositFixture(3);
        assertEq(rollup.depositCount(), 3, "depositCount");
        for (uint256 k = 0; k <= 3; k++) {
            uint256 want = vm.parseJsonUint(vectors, string.concat(".depositHashes[", vm.toString(k), "]"));
            assertEq(rollup.depositHashes(k), want, "depositHashes[k]");
        }
    }

    function test_deposit_pullsTokensAndEmitsDepositWithZeroBasedIndex() public {
        _depositFixture(1);
        (uint256 x, uint256 y, uint256 amount) = _fixtureDeposit(1);
        uint256 h2 = vm.parseJsonUint(vectors, ".depositHashes[2]");
        uint256 before = usdc.balanceOf(ALICE);

        vm.expectEmit(true, true, true, true, address(rollup));
        emit IRollup.Deposit(1, x, y, amount, h2);
        vm.prank(ALICE);
        rollup.deposit(x, y, amount);

        assertEq(usdc.balanceOf(ALICE), before - amount, "payer balance");
        assertEq(usdc.balanceOf(address(rollup)), 1_000_000 + amount, "rollup balance");
    }

    function test_deposit_revertsOnZeroAmount() public {
        (uint256 x, uint256 y) = _key();
        vm.expectRevert(abi.encodeWithSelector(IRollup.InvalidDepositAmount.selector, 0));
        vm.prank(ALICE);
        rollup.deposit(x, y, 0);
    }

    function test_deposit_revertsOnAmountOf2Pow80() public {
        (uint256 x, uint256 y) = _key();
        vm.expectRevert(abi.encodeWithSelector(IRollup.InvalidDepositAmount.selector, uint256(1 << 80)));
        vm.prank(ALICE);
        rollup.deposit(x, y, 1 << 80);
    }

    function test_deposit_acceptsAmountJustBelow2Pow80() public {
        (uint256 x, uint256 y) = _key();
        vm.prank(ALICE);
        rollup.deposit(x, y, (1 << 80) - 1);
        assertEq(rollup.depositCount(), 1, "depositCount");
    }

    function test_deposit_revertsOnKeyXNotAFieldElement() public {
        vm.expectRevert(abi.encodeWithSelector(IRollup.InvalidPubKey.selector, P, 2));
        vm.prank(ALICE);
        rollup.deposit(P, 2, 1);
    }

    function test_deposit_revertsOnKeyYNotAFieldElement() public {
        vm.expectRevert(abi.encodeWithSelector(IRollup.InvalidPubKey.selector, 1, type(uint256).max));
        vm.prank(ALICE);
        rollup.deposit(1, type(uint256).max, 1);
    }

    function test_deposit_revertsOnEmptyKey() public {
        vm.expectRevert(abi.encodeWithSelector(IRollup.InvalidPubKey.selector, 0, 0));
        vm.prank(ALICE);
        rollup.deposit(0, 0, 1);
    }

    function test_deposit_revertsOnTheIdentityPointWithKeyXZero() public {
        // (0, 1) is on the curve but no private key has it; pubKeyX == 0 is refused whatever Y is.
        vm.expectRevert(abi.encodeWithSelector(IRollup.InvalidPubKey.selector, 0, 1));
        vm.prank(ALICE);
        rollup.deposit(0, 1, 1);
    }

    function test_deposit_revertsOnKeyXZeroWithAnyY() public {
        vm.expectRevert(abi.encodeWithSelector(IRollup.InvalidPubKey.selector, 0, P - 1));
        vm.prank(ALICE);
        rollup.deposit(0, P - 1, 1);
    }

    function test_deposit_revertsOnKeyOffTheCurve() public {
        (uint256 x, uint256 y) = _key();
        vm.expectRevert(abi.encodeWithSelector(IRollup.PubKeyNotOnCurve.selector, x, y + 1));
        vm.prank(ALICE);
        rollup.deposit(x, y + 1, 1);
        vm.expectRevert(abi.encodeWithSelector(IRollup.PubKeyNotOnCurve.selector, 1, 2));
        vm.prank(ALICE);
        rollup.deposit(1, 2, 1);
    }

    function test_deposit_acceptsTheNegatedKey() public {
        // (-x, y) is a curve point too (the curve is symmetric in x): the check is the equation, not a list.
        (uint256 x, uint256 y) = _key();
        vm.prank(ALICE);
        rollup.deposit(P - x, y, 1);
        assertEq(rollup.depositCount(), 1, "depositCount");
    }

    function test_deposit_revertsWithoutAllowance() public {
        (uint256 x, uint256 y) = _key();
        usdc.mint(address(this), 10);
        vm.expectRevert(IRollup.TransferFailed.selector);
        rollup.deposit(x, y, 10);
    }

    // ------------------------------------------------------------------ submitBatch: checks in order

    function test_submitBatch_revertsForNonOperator() public {
        vm.expectRevert(IRollup.NotOperator.selector);
        vm.prank(ALICE);
        rollup.submitBatch(1, GENESIS, 5, 0, 0, _none(), 0, data, proof);
    }

    function test_submitBatch_checksOperatorBeforeEverythingElse() public {
        vm.expectRevert(IRollup.NotOperator.selector);
        vm.prank(ALICE);
        rollup.submitBatch(7, 999, 5, 99, 0, _none(), 0, data, proof);
    }

    function test_submitBatch_revertsOnBatchZero() public {
        vm.expectRevert(abi.encodeWithSelector(IRollup.BatchAlreadyVerified.selector, 0));
        _submit(0, GENESIS, 5, 0);
    }

    function test_submitBatch_revertsOnReplayOfVerifiedBatch() public {
        _submit(1, GENESIS, 5, 0);
        vm.expectRevert(abi.encodeWithSelector(IRollup.BatchAlreadyVerified.selector, 1));
        _submit(1, GENESIS, 5, 0);
    }

    function test_submitBatch_revertsOnGap() public {
        vm.expectRevert(abi.encodeWithSelector(IRollup.BatchOutOfOrder.selector, 1, 2));
        _submit(2, GENESIS, 5, 0);
    }

    function test_submitBatch_checksOrderBeforeRoot() public {
        vm.expectRevert(abi.encodeWithSelector(IRollup.BatchOutOfOrder.selector, 1, 3));
        _submit(3, 999, 5, 0);
    }

    function test_submitBatch_revertsOnStaleRoot() public {
        vm.expectRevert(abi.encodeWithSelector(IRollup.StaleRoot.selector, GENESIS, 112));
        _submit(1, 112, 5, 0);
    }

    function test_submitBatch_revertsOnStaleRootAfterAnUpdate() public {
        _submit(1, GENESIS, 5, 0);
        vm.expectRevert(abi.encodeWithSelector(IRollup.StaleRoot.selector, 5, GENESIS));
        _submit(2, GENESIS, 6, 0);
    }

    function test_submitBatch_revertsOnDepositsItNeverSaw() public {
        _depositFixture(2);
        vm.expectRevert(abi.encodeWithSelector(IRollup.UnknownDeposits.selector, 3, 2));
        _submit(1, GENESIS, 5, 3);
    }

    function test_submitBatch_countsDepositsConsumedByEarlierBatches() public {
        _depositFixture(2);
        _submit(1, GENESIS, 5, 2);
        assertEq(rollup.depositsConsumed(), 2, "depositsConsumed");
        vm.expectRevert(abi.encodeWithSelector(IRollup.UnknownDeposits.selector, 3, 2));
        _submit(2, 5, 6, 1);
    }

    function test_submitBatch_revertsOnNewRootNotAFieldElement() public {
        vm.expectRevert(abi.encodeWithSelector(IRollup.NotFieldElement.selector, P));
        _submit(1, GENESIS, P, 0);
    }

    function test_submitBatch_revertsOnWithdrawalAmountNotAFieldElement() public {
        IRollup.Withdrawal[] memory ws = new IRollup.Withdrawal[](1);
        ws[0] = IRollup.Withdrawal({accountId: 1, to: ALICE, amount: P + 5});
        vm.expectRevert(abi.encodeWithSelector(IRollup.NotFieldElement.selector, P + 5));
        vm.prank(OPERATOR);
        rollup.submitBatch(1, GENESIS, 5, 0, 0, ws, 0, data, proof);
    }

    function test_submitBatch_revertsOnWithdrawalToZeroAddress() public {
        IRollup.Withdrawal[] memory ws = _fixtureWithdrawals();
        ws[1].to = address(0);
        vm.expectRevert(abi.encodeWithSelector(IRollup.WithdrawalToZeroAddress.selector, 1, ws[1].accountId));
        vm.prank(OPERATOR);
        rollup.submitBatch(1, GENESIS, 5, 0, 0, ws, 0, data, proof);
        assertEq(rollup.lastVerifiedBatch(), 0, "nothing verified");
    }

    function test_submitBatch_revertsWhenVerifierReturnsFalse() public {
        verifier.rejectAll();
        vm.expectRevert(IRollup.InvalidProof.selector);
        _submit(1, GENESIS, 5, 0);
    }

    function test_submitBatch_revertsWithInvalidProofWhenVerifierReverts() public {
        verifier.setRevert(true);
        vm.expectRevert(IRollup.InvalidProof.selector);
        _submit(1, GENESIS, 5, 0);
    }

    // ------------------------------------------------------------------ submitBatch: public input

    function test_submitBatch_publicInputMatchesTypeScript() public {
        _depositFixture(3);
        uint256 want = vm.parseJsonUint(vectors, ".batch.publicHash");
        uint256 got = rollup.publicInputOf(
            1,
            GENESIS,
            vm.parseJsonUint(vectors, ".batch.newStateRoot"),
            0,
            2,
            0,
            0,
            _fixtureWithdrawals(),
            vm.parseJsonUint(vectors, ".batch.batchTimeMs")
        );
        assertEq(got, want, "publicHash");
    }

    function test_submitBatch_acceptsOnlyTheProofOfTheTypeScriptPublicInput() public {
        _depositFixture(3);
        verifier.acceptOnlyWith(vm.parseJsonUint(vectors, ".batch.publicHash"), data);
        uint256 newRoot = vm.parseJsonUint(vectors, ".batch.newStateRoot");
        IRollup.Withdrawal[] memory ws = _fixtureWithdrawals();
        uint256 t = vm.parseJsonUint(vectors, ".batch.batchTimeMs");

        // Any change to what the proof binds must change the public signals.
        uint256[] memory other = vm.parseJsonUintArray(vectors, ".batch.data");
        other[2] ^= 0xff;
        vm.expectRevert(IRollup.InvalidProof.selector);
        vm.prank(OPERATOR);
        rollup.submitBatch(1, GENESIS, newRoot, 2, 0, ws, t, other, proof);

        vm.expectRevert(IRollup.InvalidProof.selector);
        vm.prank(OPERATOR);
        rollup.submitBatch(1, GENESIS, newRoot, 3, 0, ws, t, data, proof);

        ws[1].amount += 1;
        vm.expectRevert(IRollup.InvalidProof.selector);
        vm.prank(OPERATOR);
        rollup.submitBatch(1, GENESIS, newRoot, 2, 0, ws, t, data, proof);
        ws[1].amount -= 1;

        // The proven time is bound too: the same proof with another time is not this batch's.
        vm.expectRevert(IRollup.InvalidProof.selector);
        vm.prank(OPERATOR);
        rollup.submitBatch(1, GENESIS, newRoot, 2, 0, ws, t + 1, data, proof);

        vm.prank(OPERATOR);
        rollup.submitBatch(1, GENESIS, newRoot, 2, 0, ws, t, data, proof);
        assertEq(rollup.stateRoot(), newRoot, "stateRoot");
        assertEq(rollup.lastBatchTimeMs(), t, "lastBatchTimeMs");
    }

    function test_submitBatch_revertsOnDataOfAnotherLength() public {
        uint256[] memory short = new uint256[](DATA_WORDS - 1);
        vm.expectRevert(abi.encodeWithSelector(IRollup.BadDataLength.selector, DATA_WORDS, DATA_WORDS - 1));
        vm.prank(OPERATOR);
        rollup.submitBatch(1, GENESIS, 5, 0, 0, _none(), 0, short, proof);
        uint256[] memory long = new uint256[](DATA_WORDS + 1);
        vm.expectPartialRevert(IRollup.BadDataLength.selector);
        vm.prank(OPERATOR);
        rollup.submitBatch(1, GENESIS, 5, 0, 0, _none(), 0, long, proof);
    }

    function test_submitBatch_revertsOnPriorityRequestsNeverFiled() public {
        vm.expectRevert(abi.encodeWithSelector(IRollup.UnknownPriorityRequests.selector, 1, 0));
        vm.prank(OPERATOR);
        rollup.submitBatch(1, GENESIS, 5, 0, 1, _none(), 0, data, proof);
    }

    // ------------------------------------------------------------------ submitBatch: proven time

    function test_submitBatch_revertsWhenTimeGoesBack() public {
        vm.warp(1_000);
        _submitAt(1, GENESIS, 5, 500_000);
        vm.expectRevert(abi.encodeWithSelector(IRollup.BatchTimeWentBack.selector, 500_000, 499_999));
        _submitAt(2, 5, 6, 499_999);
        _submitAt(2, 5, 6, 500_000); // equal is fine: a batch without a price keeps the last one's time
        assertEq(rollup.lastBatchTimeMs(), 500_000, "lastBatchTimeMs");
    }

    function test_submitBatch_revertsWhenTimeIsPastTheBlockPlusSkew() public {
        vm.warp(1_000);
        uint256 latest = 1_000_000 + rollup.MAX_CLOCK_SKEW_MS();
        vm.expectRevert(abi.encodeWithSelector(IRollup.BatchTimeInFuture.selector, latest, latest + 1));
        _submitAt(1, GENESIS, 5, latest + 1);
        _submitAt(1, GENESIS, 5, latest);
    }

    function test_submitBatch_revertsAtOrPast2To48Ms() public {
        vm.warp(1 << 48); // a block so late that the skew alone would allow times past 48 bits
        uint256 cap = (1 << 48) - 1;
        vm.expectRevert(abi.encodeWithSelector(IRollup.BatchTimeInFuture.selector, cap, cap + 1));
        _submitAt(1, GENESIS, 5, cap + 1);
        _submitAt(1, GENESIS, 5, cap);
    }

    function _submitAt(uint256 batch, uint256 oldRoot, uint256 newRoot, uint256 timeMs) internal {
        vm.prank(OPERATOR);
        rollup.submitBatch(batch, oldRoot, newRoot, 0, 0, _none(), timeMs, data, proof);
    }

    // ------------------------------------------------------------------ submitBatch: effects

    function test_submitBatch_movesRootBatchAndConsumedDeposits() public {
        _depositFixture(3);
        _submit(1, GENESIS, 5, 2);
        assertEq(rollup.stateRoot(), 5, "stateRoot");
        assertEq(rollup.lastVerifiedBatch(), 1, "lastVerifiedBatch");
        assertEq(rollup.depositsConsumed(), 2, "depositsConsumed");
        _submit(2, 5, 6, 1);
        assertEq(rollup.stateRoot(), 6, "stateRoot 2");
        assertEq(rollup.genesisStateRoot(), GENESIS, "genesisStateRoot stays");
        assertEq(rollup.lastVerifiedBatch(), 2, "lastVerifiedBatch 2");
        assertEq(rollup.depositsConsumed(), 3, "depositsConsumed 2");
    }

    function test_submitBatch_creditsWithdrawalsAndEmitsEvents() public {
        IRollup.Withdrawal[] memory ws = _fixtureWithdrawals();
        ws[1].to = ws[0].to; // two withdrawals to one address add up

        vm.expectEmit(true, true, true, true, address(rollup));
        emit IRollup.WithdrawalQueued(1, ws[0].accountId, ws[0].to, ws[0].amount);
        vm.expectEmit(true, true, true, true, address(rollup));
        emit IRollup.WithdrawalQueued(1, ws[1].accountId, ws[1].to, ws[1].amount);
        vm.expectEmit(true, true, true, true, address(rollup));
        emit IRollup.BatchVerified(1, 5);
        vm.prank(OPERATOR);
        rollup.submitBatch(1, GENESIS, 5, 0, 0, ws, 0, data, proof);

        assertEq(rollup.withdrawable(ws[0].to), ws[0].amount + ws[1].amount, "withdrawable");
    }

    // ------------------------------------------------------------------ claim

    function test_claim_paysWithdrawableBalanceOnceAndEmitsClaimed() public {
        _depositFixture(1); // funds the rollup with 1_000_000
        IRollup.Withdrawal[] memory ws = new IRollup.Withdrawal[](1);
        ws[0] = IRollup.Withdrawal({accountId: 3, to: ALICE, amount: 400_000});
        vm.prank(OPERATOR);
        rollup.submitBatch(1, GENESIS, 5, 1, 0, ws, 0, data, proof);
        uint256 before = usdc.balanceOf(ALICE);

        vm.expectEmit(true, true, true, true, address(rollup));
        emit IRollup.Claimed(ALICE, 400_000);
        vm.prank(ALICE);
        rollup.claim();

        assertEq(usdc.balanceOf(ALICE), before + 400_000, "paid");
        assertEq(rollup.withdrawable(ALICE), 0, "withdrawable zeroed");
        vm.expectRevert(IRollup.NothingToClaim.selector);
        vm.prank(ALICE);
        rollup.claim();
    }

    function test_claim_revertsWithNothingToClaim() public {
        vm.expectRevert(IRollup.NothingToClaim.selector);
        vm.prank(ALICE);
        rollup.claim();
    }

    // ------------------------------------------------------------------ constructor

    function test_constructor_storesGenesisAndRoles() public view {
        (IRollup.GenesisParams memory g,) = _genesis("tiny");
        assertEq(rollup.stateRoot(), GENESIS, "stateRoot");
        assertEq(rollup.lastVerifiedBatch(), 0, "lastVerifiedBatch");
        assertEq(rollup.operator(), OPERATOR, "operator");
        assertEq(rollup.token(), address(usdc), "token");
        assertEq(rollup.verifier(), address(verifier), "verifier");
        assertEq(rollup.depositHashes(0), 0, "depositHashes[0]");
        assertEq(rollup.genesisStateRoot(), GENESIS, "genesisStateRoot");
        assertEq(rollup.accountsDepth(), 2, "accountsDepth");
        assertEq(rollup.markets(), 2, "markets");
        assertEq(rollup.keeperPubKeyX(), g.keeperPubKeyX, "keeperPubKeyX");
        assertEq(rollup.keeperPubKeyY(), g.keeperPubKeyY, "keeperPubKeyY");
    }

    function test_constructor_computesTheTypeScriptRootAtDepth16() public {
        (IRollup.GenesisParams memory g, uint256 root) = _genesis("default");
        Rollup r = _deploy(g, root);
        assertEq(r.stateRoot(), root, "stateRoot");
        assertEq(r.accountsDepth(), 16, "accountsDepth");
    }

    function test_constructor_computesTheTypeScriptRootOfAFundedGenesisWhoseCashItHolds() public {
        (IRollup.GenesisParams memory g, uint256 root) = _genesis("funded");
        _prefundNextDeployment(g.vaultCollateral + g.insuranceFund);
        Rollup r = _deploy(g, root);
        assertEq(r.stateRoot(), root, "stateRoot");
        assertEq(usdc.balanceOf(address(r)), 5_007_000, "cash held");
    }

    function test_constructor_revertsOnAFundedGenesisWithoutItsCash() public {
        (IRollup.GenesisParams memory g, uint256 root) = _genesis("funded");
        _prefundNextDeployment(5_006_999);
        vm.expectRevert(abi.encodeWithSelector(IRollup.GenesisCashNotHeld.selector, 5_007_000, 5_006_999));
        _deploy(g, root);
    }

    function test_constructor_revertsOnARootItDidNotCompute() public {
        (IRollup.GenesisParams memory g, uint256 root) = _genesis("tiny");
        vm.expectRevert(abi.encodeWithSelector(IRollup.BadGenesis.selector, root, root + 1));
        _deploy(g, root + 1);
    }

    function test_constructor_bindsEveryGenesisFieldToTheRoot() public {
        (IRollup.GenesisParams memory g, uint256 root) = _genesis("funded");
        _prefundNextDeployment(1 << 90); // enough cash for every variant: only the root may fail

        g.accountsDepth += 1;
        _expectBadGenesis(g, root, "accountsDepth");
        g.accountsDepth -= 1;

        g.vaultPubKeyX = P - g.vaultPubKeyX; // (-x, y) is still a curve point
        _expectBadGenesis(g, root, "vaultPubKeyX");
        g.vaultPubKeyX = P - g.vaultPubKeyX;

        g.vaultCollateral += 1;
        _expectBadGenesis(g, root, "vaultCollateral");
        g.vaultCollateral -= 1;

        g.insuranceFund += 1;
        _expectBadGenesis(g, root, "insuranceFund");
        g.insuranceFund -= 1;

        g.markPrices[1] = 1;
        _expectBadGenesis(g, root, "markPrices[1]");
        g.markPrices[1] = 0;

        // The keeper key is part of the state (Batch2 proves every price against it): another key is
        // another root.
        uint256 kx = g.keeperPubKeyX;
        uint256 ky = g.keeperPubKeyY;
        (g.keeperPubKeyX, g.keeperPubKeyY) = _key();
        _expectBadGenesis(g, root, "keeperPubKey");
        (g.keeperPubKeyX, g.keeperPubKeyY) = (kx, ky);
        Rollup r = Rollup(this.deployExternal(g, root));
        assertEq(r.keeperPubKeyX(), kx, "keeper key stored");
    }

    function test_constructor_revertsOnAVaultKeyWithXZeroOrOffTheCurve() public {
        (IRollup.GenesisParams memory g, uint256 root) = _genesis("tiny");
        uint256 y = g.vaultPubKeyY;
        g.vaultPubKeyX = 0;
        g.vaultPubKeyY = 1;
        vm.expectRevert(abi.encodeWithSelector(IRollup.InvalidPubKey.selector, 0, 1));
        _deploy(g, root);
        (g.vaultPubKeyX,) = _key();
        g.vaultPubKeyY = y;
        vm.expectRevert(abi.encodeWithSelector(IRollup.PubKeyNotOnCurve.selector, g.vaultPubKeyX, y));
        _deploy(g, root);
    }

    function test_constructor_revertsOnAKeeperKeyOffTheCurve() public {
        (IRollup.GenesisParams memory g, uint256 root) = _genesis("tiny");
        g.keeperPubKeyY += 1;
        vm.expectRevert(abi.encodeWithSelector(IRollup.PubKeyNotOnCurve.selector, g.keeperPubKeyX, g.keeperPubKeyY));
        _deploy(g, root);
    }

    function test_constructor_revertsOnADepthOrMarketCountOutOfRange() public {
        (IRollup.GenesisParams memory g, uint256 root) = _genesis("tiny");
        g.accountsDepth = 0;
        vm.expectRevert(abi.encodeWithSelector(IRollup.InvalidGenesisShape.selector, 0, 2));
        _deploy(g, root);
        g.accountsDepth = 65;
        vm.expectRevert(abi.encodeWithSelector(IRollup.InvalidGenesisShape.selector, 65, 2));
        _deploy(g, root);
        g.accountsDepth = 2;
        g.markPrices = new uint256[](0);
        vm.expectRevert(abi.encodeWithSelector(IRollup.InvalidGenesisShape.selector, 2, 0));
        _deploy(g, root);
        // Four markets would need a leaf of 17 fields, past circomlib's 16-input Poseidon.
        g.markPrices = new uint256[](4);
        vm.expectRevert(abi.encodeWithSelector(IRollup.InvalidGenesisShape.selector, 2, 4));
        _deploy(g, root);
    }

    function test_constructor_revertsOnGenesisValuesOutOfRange() public {
        (IRollup.GenesisParams memory g, uint256 root) = _genesis("tiny");
        g.vaultCollateral = 1 << 80;
        vm.expectRevert(abi.encodeWithSelector(IRollup.GenesisValueOutOfRange.selector, 1 << 80, 1 << 80));
        _deploy(g, root);
        g.vaultCollateral = 0;
        g.insuranceFund = 1 << 80;
        vm.expectRevert(abi.encodeWithSelector(IRollup.GenesisValueOutOfRange.selector, 1 << 80, 1 << 80));
        _deploy(g, root);
        g.insuranceFund = 0;
        g.markPrices[0] = 1 << 40;
        vm.expectRevert(abi.encodeWithSelector(IRollup.GenesisValueOutOfRange.selector, 1 << 40, 1 << 40));
        _deploy(g, root);
    }

    function test_constructor_revertsOnZeroOperator() public {
        (IRollup.GenesisParams memory g, uint256 root) = _genesis("tiny");
        vm.expectRevert(IRollup.ZeroAddress.selector);
        new Rollup(g, root, address(verifier), address(usdc), address(0), _config());
    }

    // ------------------------------------------------------------------ gas

    function test_gas_constructorAtDepth2And16() public {
        string[2] memory cases = ["tiny", "default"];
        for (uint256 i = 0; i < 2; i++) {
            (IRollup.GenesisParams memory g, uint256 root) = _genesis(cases[i]);
            this.deployExternal(g, root);
            emit log_named_uint(
                string.concat("new Rollup, genesis ", cases[i]),
                vm.snapshotGasLastCall(string.concat("constructor_", cases[i]))
            );
        }
    }

    function test_gas_submitBatchWithZeroAndTwoWithdrawals() public {
        _depositFixture(3);
        _submit(1, GENESIS, 5, 1);
        emit log_named_uint(
            "submitBatch, 0 withdrawals, 1 deposit", vm.snapshotGasLastCall("submitBatch_0_withdrawals")
        );

        IRollup.Withdrawal[] memory ws = _fixtureWithdrawals();
        vm.prank(OPERATOR);
        rollup.submitBatch(2, 5, 6, 2, 0, ws, 0, data, proof);
        emit log_named_uint(
            "submitBatch, 2 withdrawals, 2 deposits", vm.snapshotGasLastCall("submitBatch_2_withdrawals")
        );
    }
}
