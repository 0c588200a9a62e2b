// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PoseidonT6} from "poseidon-solidity/PoseidonT6.sol";
import {BabyJubjub} from "./BabyJubjub.sol";

/// @title EdDSAPoseidon
/// @notice circomlib's EdDSA-Poseidon verification on BabyJubjub, for the messages L2 keys sign for L1
///         (L1Messages.sol): the same verdict as circomlibjs `verifyPoseidon` and sequencer/crypto/eddsa.ts
///         on canonical inputs. Like the TS verifier, and unlike circomlibjs, a coordinate ≥ p is refused:
///         circomlibjs reduces it, which would let anyone re-encode a valid signature.
/// @dev Checks R8 and A on the curve, S < l (the subgroup order) and S·B8 == R8 + (8·h)·A with
///      h = Poseidon(R8x, R8y, Ax, Ay, msg). 8·A lies in the order-l subgroup for any curve point A, so
///      (8·h)·A = (h mod l)·(8·A). The check runs as one joint double-and-add (Shamir's trick) of
///      S·B8 + h·(−8·A) in extended coordinates, compared with R8 projectively: no inversion at all.
///      With a a square and d a non-square in F_p the add-2008-hwcd and dbl-2008-hwcd formulas are
///      complete, so no case needs the identity or doubling handled apart, and Z never becomes 0.
library EdDSAPoseidon {
    uint256 internal constant P = 21888242871839275222246405745257275088548364400416034343698204186575808495617;
    /// @dev circomlibjs `babyJub.subOrder`, the order of B8.
    uint256 internal constant SUBGROUP_ORDER =
        2736030358979909402780800718157159386076813972158567259200215660948447373041;
    uint256 internal constant BASE8_X = 5299619240641551281634865583518297030282874472190772894086521144482721001553;
    uint256 internal constant BASE8_Y = 16950150798460657717958625567821834550301663161624707787222815936182638968203;

    /// @notice Whether (r8x, r8y, s) is a valid signature of msgHash by the key (ax, ay). Never reverts.
    function verify(uint256 ax, uint256 ay, uint256 r8x, uint256 r8y, uint256 s, uint256 msgHash)
        internal
        pure
        returns (bool)
    {
        if (s >= SUBGROUP_ORDER) return false;
        if (!BabyJubjub.isOnCurve(r8x, r8y) || !BabyJubjub.isOnCurve(ax, ay)) return false;
        // Poseidon reduces its inputs mod p, as circomlibjs does with a message ≥ p.
        uint256 h = PoseidonT6.hash([r8x, r8y, ax, ay, msgHash]) % SUBGROUP_ORDER;
        return _checkEquation(ax, ay, r8x, r8y, s, h);
    }

    /// @dev S·B8 + h·(−8A) == R8, with A and R8 on the curve and s, h < l (both < 2^252).
    function _checkEquation(uint256 ax, uint256 ay, uint256 r8x, uint256 r8y, uint256 s, uint256 h)
        private
        pure
        returns (bool ok)
    {
        assembly ("memory-safe") {
            function sub_(a, b) -> c {
                c := addmod(a, sub(P, b), P)
            }
            // dbl-2008-hwcd for a·x² + y² = 1 + d·x²·y² (it does not read T).
            function dbl(x, y, z) -> x3, y3, t3, z3 {
                let a := mulmod(x, x, P)
                let b := mulmod(y, y, P)
                let c := mulmod(2, mulmod(z, z, P), P)
                let d := mulmod(168700, a, P)
                let e := addmod(x, y, P)
                e := sub_(sub_(mulmod(e, e, P), a), b)
                let g := addmod(d, b, P)
                let f := sub_(g, c)
                let hh := sub_(d, b)
                x3 := mulmod(e, f, P)
                y3 := mulmod(g, hh, P)
                t3 := mulmod(e, hh, P)
                z3 := mulmod(f, g, P)
            }
            // add-2008-hwcd: (x1:y1:t1:z1) + the extended point at q (four words X, Y, T, Z).
            function add_(x1, y1, t1, z1, q) -> x3, y3, t3, z3 {
                x3 := mulmod(x1, mload(q), P) // A = X1·X2
                y3 := mulmod(y1, mload(add(q, 0x20)), P) // B = Y1·Y2
                t3 := mulmod(mulmod(168696, t1, P), mload(add(q, 0x40)), P) // C = d·T1·T2
                z3 := mulmod(z1, mload(add(q, 0x60)), P) // D = Z1·Z2
                let e := mulmod(addmod(x1, y1, P), addmod(mload(q), mload(add(q, 0x20)), P), P)
                e := sub_(sub_(e, x3), y3)
                let f := sub_(z3, t3)
                let g := addmod(z3, t3, P)
                let hh := sub_(y3, mulmod(168700, x3, P))
                x3 := mulmod(e, f, P)
                y3 := mulmod(g, hh, P)
                t3 := mulmod(e, hh, P)
                z3 := mulmod(f, g, P)
            }

            // The table of the joint scalar bits (bit of h)·2 + (bit of s): slot 1 = B8, 2 = −8A,
            // 3 = B8 − 8A, 128 bytes each, slot 0 unused (the bits 00 add nothing).
            let table := mload(0x40)
            mstore(0x40, add(table, 0x200))
            let s1 := add(table, 0x80)
            mstore(s1, BASE8_X)
            mstore(add(s1, 0x20), BASE8_Y)
            mstore(add(s1, 0x40), mulmod(BASE8_X, BASE8_Y, P))
            mstore(add(s1, 0x60), 1)

            let x, y, t, z := dbl(ax, ay, 1)
            x, y, t, z := dbl(x, y, z)
            x, y, t, z := dbl(x, y, z)
            // −(X:Y:T:Z) = (−X:Y:−T:Z) on a twisted Edwards curve.
            let s2 := add(table, 0x100)
            mstore(s2, sub_(0, x))
            mstore(add(s2, 0x20), y)
            mstore(add(s2, 0x40), sub_(0, t))
            mstore(add(s2, 0x60), z)

            x, y, t, z := add_(BASE8_X, BASE8_Y, mulmod(BASE8_X, BASE8_Y, P), 1, s2)
            let s3 := add(table, 0x180)
            mstore(s3, x)
            mstore(add(s3, 0x20), y)
            mstore(add(s3, 0x40), t)
            mstore(add(s3, 0x60), z)

            // s, h < l < 2^252: bits 251..0.
            x := 0
            y := 1
            t := 0
            z := 1
            for { let i := 252 } gt(i, 0) {} {
                i := sub(i, 1)
                x, y, t, z := dbl(x, y, z)
                let k := or(and(shr(i, s), 1), shl(1, and(shr(i, h), 1)))
                if k { x, y, t, z := add_(x, y, t, z, add(table, shl(7, k))) }
            }
            ok := and(eq(x, mulmod(r8x, z, P)), eq(y, mulmod(r8y, z, P)))
            mstore(0x40, table)
        }
    }
}
