// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {Test} from "./utils/Test.sol";
import {EdDSAPoseidon} from "../src/EdDSAPoseidon.sol";
import {L1Messages} from "../src/L1Messages.sol";

/// @dev External entry points, so each call's gas can be measured and a library revert surfaces.
contract EdDSAPoseidonHarness {
    function verify(uint256 ax, uint256 ay, uint256 r8x, uint256 r8y, uint256 s, uint256 msgHash)
        external
        pure
        returns (bool)
    {
        return EdDSAPoseidon.verify(ax, ay, r8x, r8y, s, msgHash);
    }

    function forcedWithdrawal(address rollup, uint256 accountId, uint256 requestNonce, uint256 amount, address to)
        external
        pure
        returns (uint256)
    {
        return L1Messages.forcedWithdrawal(rollup, accountId, requestNonce, amount, to);
    }

    function forcedCancelAll(address rollup, uint256 accountId, uint256 requestNonce) external pure returns (uint256) {
        return L1Messages.forcedCancelAll(rollup, accountId, requestNonce);
    }

    function exit(address rollup, uint256 accountId, address to) external pure returns (uint256) {
        return L1Messages.exit(rollup, accountId, to);
    }
}

/// @notice EdDSAPoseidon and L1Messages against test/vectors/l1-exit.json (contracts/script/gen-l1-vectors.ts:
///         the TS signer and verifier, whose verdicts are circomlibjs' on canonical inputs).
contract EdDSAPoseidonTest is Test {
    EdDSAPoseidonHarness internal h;
    string internal vectors;

    function setUp() public {
        h = new EdDSAPoseidonHarness();
        vectors = vm.readFile(string.concat(vm.projectRoot(), "/../test/vectors/l1-exit.json"));
    }

    struct Sig {
        uint256 ax;
        uint256 ay;
        uint256 r8x;
        uint256 r8y;
        uint256 s;
        uint256 msgHash;
        uint256 valid;
    }

    function _sig(uint256 i) internal view returns (Sig memory v) {
        string memory at = string.concat(".signatures[", vm.toString(i), "]");
        v.ax = vm.parseJsonUint(vectors, string.concat(at, ".ax"));
        v.ay = vm.parseJsonUint(vectors, string.concat(at, ".ay"));
        v.r8x = vm.parseJsonUint(vectors, string.concat(at, ".r8x"));
        v.r8y = vm.parseJsonUint(vectors, string.concat(at, ".r8y"));
        v.s = vm.parseJsonUint(vectors, string.concat(at, ".s"));
        v.msgHash = vm.parseJsonUint(vectors, string.concat(at, ".msg"));
        v.valid = vm.parseJsonUint(vectors, string.concat(at, ".valid"));
    }

    function _verify(Sig memory v) internal view returns (bool) {
        return h.verify(v.ax, v.ay, v.r8x, v.r8y, v.s, v.msgHash);
    }

    function test_verify_acceptsEveryValidAndRejectsEveryTamperedVector() public view {
        uint256 n = vm.parseJsonUint(vectors, ".signatureCount");
        uint256 accepted;
        for (uint256 i = 0; i < n; i++) {
            Sig memory v = _sig(i);
            bool ok = _verify(v);
            assertEq(ok ? 1 : 0, v.valid, string.concat("verdict of signature ", vm.toString(i)));
            if (ok) accepted++;
        }
        assertTrue(accepted > 0 && accepted < n, "the vectors hold valid and tampered signatures");
    }

    function testFuzz_verify_rejectsTheSignatureOnAnyOtherMessage(uint256 msgHash) public view {
        Sig memory v = _sig(0);
        // A message ≡ the signed one mod p is the same field element (Poseidon reduces it).
        if (msgHash % EdDSAPoseidon.P == v.msgHash) return;
        v.msgHash = msgHash;
        assertTrue(!_verify(v), "another message");
    }

    function testFuzz_verify_rejectsAnyScalarAboveTheSubgroupOrder(uint256 s) public view {
        Sig memory v = _sig(0);
        if (s < EdDSAPoseidon.SUBGROUP_ORDER) s += EdDSAPoseidon.SUBGROUP_ORDER;
        v.s = s;
        assertTrue(!_verify(v), "S >= l");
    }

    function test_messages_matchTheTsHashes() public view {
        address rollup = vm.parseJsonAddress(vectors, ".rollup");
        uint256 n = vm.parseJsonUint(vectors, ".messageCount");
        for (uint256 i = 0; i < n; i++) {
            string memory at = string.concat(".messages[", vm.toString(i), "]");
            uint256 kind = vm.parseJsonUint(vectors, string.concat(at, ".kind"));
            uint256 accountId = vm.parseJsonUint(vectors, string.concat(at, ".accountId"));
            uint256 nonce = vm.parseJsonUint(vectors, string.concat(at, ".requestNonce"));
            address to = vm.parseJsonAddress(vectors, string.concat(at, ".to"));
            uint256 got;
            if (kind == L1Messages.KIND_FORCED_WITHDRAWAL) {
                got = h.forcedWithdrawal(
                    rollup, accountId, nonce, vm.parseJsonUint(vectors, string.concat(at, ".amount")), to
                );
            } else if (kind == L1Messages.KIND_FORCED_CANCEL_ALL) {
                got = h.forcedCancelAll(rollup, accountId, nonce);
            } else {
                assertEq(kind, L1Messages.KIND_EXIT, "message kind");
                got = h.exit(rollup, accountId, to);
            }
            assertEq(got, vm.parseJsonUint(vectors, string.concat(at, ".hash")), string.concat("message ", vm.toString(i)));
        }
    }

    function test_forcedWithdrawal_revertsOnAnAmountOf2To80() public {
        vm.expectRevert(abi.encodeWithSelector(L1Messages.AmountTooLarge.selector, uint256(1) << 80));
        h.forcedWithdrawal(address(this), 1, 1, uint256(1) << 80, address(this));
    }

    function test_messages_ofAnotherRollupDiffer() public view {
        assertTrue(h.exit(address(1), 3, address(2)) != h.exit(address(3), 3, address(2)), "rollup is hashed");
    }

    function test_gas_verify() public {
        // Vector 0 is a valid forced withdrawal: the full double-and-add runs.
        Sig memory v = _sig(0);
        bool ok = _verify(v);
        uint256 gas = vm.snapshotGasLastCall("eddsaPoseidon_verify");
        assertTrue(ok, "vector 0 verifies");
        emit log_named_uint("EdDSAPoseidon.verify of a valid signature, gas (external call)", gas);
    }
}
