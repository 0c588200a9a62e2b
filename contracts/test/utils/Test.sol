// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @notice The forge cheatcodes these tests use. forge-std is not installable here (no git, and the npm
///         copy is a 2022 fork), so this declares just what we call; forge serves them at the Vm address.
interface Vm {
    function prank(address sender) external;
    function warp(uint256 timestamp) external;
    function roll(uint256 blockNumber) external;
    function startPrank(address sender) external;
    function stopPrank() external;
    function expectRevert(bytes4 selector) external;
    function expectRevert(bytes calldata revertData) external;
    /// @dev Matches the selector only, whatever the error's arguments.
    function expectPartialRevert(bytes4 selector) external;
    function expectEmit(bool checkTopic1, bool checkTopic2, bool checkTopic3, bool checkData) external;
    function expectEmit(bool checkTopic1, bool checkTopic2, bool checkTopic3, bool checkData, address emitter) external;
    function readFile(string calldata path) external view returns (string memory);
    function exists(string calldata path) external view returns (bool);
    function projectRoot() external view returns (string memory);
    function parseJsonUint(string calldata json, string calldata key) external pure returns (uint256);
    function parseJsonUintArray(string calldata json, string calldata key) external pure returns (uint256[] memory);
    function parseJsonAddress(string calldata json, string calldata key) external pure returns (address);
    function parseJsonBytes(string calldata json, string calldata key) external pure returns (bytes memory);
    function keyExistsJson(string calldata json, string calldata key) external pure returns (bool);
    function deployCode(string calldata artifactPath) external returns (address);
    function skip(bool skipTest) external;
    function snapshotGasLastCall(string calldata name) external returns (uint256);
    function toString(uint256 value) external pure returns (string memory);
    function getNonce(address account) external view returns (uint64);
    function parseJsonString(string calldata json, string calldata key) external pure returns (string memory);
    function computeCreateAddress(address deployer, uint256 nonce) external pure returns (address);
}

/// @notice Minimal base test: the cheatcode handle and the asserts we need (a revert fails the test).
abstract contract Test {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    /// @dev forge prints these in -vv output (the ds-test log format).
    event log_named_uint(string key, uint256 val);

    error AssertionFailed(string what, uint256 got, uint256 want);
    error AssertionFailedAddr(string what, address got, address want);
    error AssertionFailedBool(string what);

    function assertEq(uint256 got, uint256 want, string memory what) internal pure {
        if (got != want) revert AssertionFailed(what, got, want);
    }

    function assertEq(address got, address want, string memory what) internal pure {
        if (got != want) revert AssertionFailedAddr(what, got, want);
    }

    function assertTrue(bool ok, string memory what) internal pure {
        if (!ok) revert AssertionFailedBool(what);
    }
}
