// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PoseidonT6} from "poseidon-solidity/PoseidonT6.sol";
import {BabyJubjub} from "./BabyJubjub.sol";

/// @title EdDSAPoseidon
/// @notice circomlib's EdDSA-Poseidon verification on BabyJubjub, for the messages L2 keys sign for L1
///         (L1Messages.sol): the verdict of the circuit's SignatureCheck (circuits/src/signature.circom).
///         That is circomlibjs `verifyPoseidon`'s verdict but for two refusals: a coordinate ≥ p (circomlibjs
///         reduces it, which would let anyone re-encode a valid signature; sequencer/crypto/eddsa.ts refuses
///         it too) and a low-order key (8·A the identity), under which anyone can sign anything.
/// @dev Checks R8 and A on the curve, 8·A not the identity, S < l (the subgroup order) and S·B8 == R8 + (8·h)·A with
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
    /// @dev 2p, for lazy differences (a − b as a + 2p − b with b < 2p).
    uint256 internal constant P2 = 43776485743678550444492811490514550177096728800832068687396408373151616991234;
    uint256 internal constant BASE8_X = 5299619240641551281634865583518297030282874472190772894086521144482721001553;
    uint256 internal constant BASE8_Y = 16950150798460657717958625567821834550301663161624707787222815936182638968203;

    /// @notice Whether (r8x, r8y, s) is a valid signature of msgHash by the key (ax, ay). Never reverts.
    /// @dev ≈ 349k gas (contracts/snapshots/EdDSAPoseidonTest.json): ≈ 170k the PoseidonT6 call, ≈ 175k the
    ///      curve. Pure, not view: no precompile is called (no inversion is needed).
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
    ///      Gas: nearly all of it is the 252 rounds of one doubling and (3 times in 4) one addition, so the loop
    ///      body is written out in place (a Yul function call costs more than its field operations) and
    ///      reduces lazily: mulmod takes any 256-bit operand, so a sum or a difference that only feeds a
    ///      mulmod stays unreduced (below 4p < 2^256) and a difference a − b is a + (k·p − b).
    function _checkEquation(uint256 ax, uint256 ay, uint256 r8x, uint256 r8y, uint256 s, uint256 h)
        private
        pure
        returns (bool ok)
    {
        assembly ("memory-safe") {
            // On the stack, not as literals: the optimiser would load each 32-byte literal with a
            // codecopy (≈ 25 gas) to save code size, in a loop that uses p 20 times a round.
            let p := P
            let p2 := P2
            // One slot per value of the joint bits (bit of h)·2 + (bit of s), 0x100 bytes apart: 1 = B8,
            // 2 = −8A, 3 = B8 − 8A; each as X, Y, Z, d·T, X + Y (what the addition reads of it). Slot 0
            // (the bits 00) adds nothing; its first word holds whether 8A is of full order.
            let table := mload(0x40)
            mstore(0x40, add(table, 0x400))

            // 8A: three doublings (dbl-2008-hwcd, below) from Z = 1.
            let x := ax
            let y := ay
            let z := 1
            let t := 0
            for { let r := 0 } lt(r, 3) { r := add(r, 1) } {
                let a := mulmod(x, x, p)
                let b := mulmod(y, y, p)
                let c := mulmod(z, z, p)
                let e := addmod(x, y, p)
                e := add(mulmod(e, e, p), sub(p2, add(a, b)))
                a := mulmod(168700, a, p)
                let g := add(a, b)
                let f := add(g, sub(p2, add(c, c)))
                b := add(a, sub(p, b))
                x := mulmod(e, f, p)
                y := mulmod(g, b, p)
                t := mulmod(e, b, p)
                z := mulmod(f, g, p)
            }
            // A low-order key (8A the identity, x = 0) would make any S·B8 = R8 a signature of every
            // message; the circuit (circuits/src/signature.circom) refuses it, and so does this. The flag
            // waits in the unused slot 0 (the stack is full).
            mstore(table, iszero(iszero(x)))
            // −(X:Y:T:Z) = (−X:Y:−T:Z) on a twisted Edwards curve.
            x := sub(p, x)
            t := sub(p, t)
            let q := add(table, 0x200)
            mstore(q, x)
            mstore(add(q, 0x20), y)
            mstore(add(q, 0x40), z)
            mstore(add(q, 0x60), mulmod(168696, t, p))
            mstore(add(q, 0x80), add(x, y))
            q := add(table, 0x100)
            mstore(q, BASE8_X)
            mstore(add(q, 0x20), BASE8_Y)
            mstore(add(q, 0x40), 1)
            mstore(add(q, 0x60), mulmod(168696, mulmod(BASE8_X, BASE8_Y, p), p))
            mstore(add(q, 0x80), add(BASE8_X, BASE8_Y))

            // B8 − 8A and the joint double-and-add share the addition, add-2008-hwcd of the accumulator
            // (x:y:t:z) and the slot at q. Round 252 computes slot 3 from B8 (the accumulator) and −8A.
            x := BASE8_X
            y := BASE8_Y
            z := 1
            t := mulmod(BASE8_X, BASE8_Y, p)
            q := add(table, 0x200)
            for { let i := 253 } gt(i, 0) {} {
                i := sub(i, 1)
                if lt(i, 252) {
                    // dbl-2008-hwcd.
                    let a := mulmod(x, x, p)
                    let b := mulmod(y, y, p)
                    let c := mulmod(z, z, p)
                    let e := add(x, y)
                    e := add(mulmod(e, e, p), sub(p2, add(a, b)))
                    a := mulmod(168700, a, p)
                    let g := add(a, b)
                    let f := add(g, sub(p2, add(c, c)))
                    b := add(a, sub(p, b))
                    x := mulmod(e, f, p)
                    y := mulmod(g, b, p)
                    t := mulmod(e, b, p)
                    z := mulmod(f, g, p)
                    q := 0
                    let k := or(and(shr(i, s), 1), shl(1, and(shr(i, h), 1)))
                    if k { q := add(table, shl(8, k)) }
                }
                if q {
                    let a := mulmod(x, mload(q), p)
                    let b := mulmod(y, mload(add(q, 0x20)), p)
                    let c := mulmod(t, mload(add(q, 0x60)), p)
                    let dd := mulmod(z, mload(add(q, 0x40)), p)
                    let e := mulmod(add(x, y), mload(add(q, 0x80)), p)
                    e := add(e, sub(p2, add(a, b)))
                    let f := add(dd, sub(p, c))
                    let g := add(dd, c)
                    let hh := add(b, sub(p, mulmod(168700, a, p)))
                    x := mulmod(e, f, p)
                    y := mulmod(g, hh, p)
                    t := mulmod(e, hh, p)
                    z := mulmod(f, g, p)
                }
                if eq(i, 252) {
                    // The accumulator is B8 − 8A: store it as slot 3 and start from the identity.
                    q := add(table, 0x300)
                    mstore(q, x)
                    mstore(add(q, 0x20), y)
                    mstore(add(q, 0x40), z)
                    mstore(add(q, 0x60), mulmod(168696, t, p))
                    mstore(add(q, 0x80), add(x, y))
                    x := 0
                    y := 1
                    z := 1
                    t := 0
                }
            }
            ok := and(mload(table), and(eq(x, mulmod(r8x, z, p)), eq(y, mulmod(r8y, z, p))))
            mstore(0x40, table)
        }
    }
}
