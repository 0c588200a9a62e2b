pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "leaf.circom";
include "merkle-update.circom";

// AccountUpdate(D, M): one account update of a batch (SPEC.md checks 1 and 2).
// Proves: oldLeaf is the leaf at `index` under `prevRoot`; `nextRoot` is that tree with newLeaf
// written instead; newLeaf is in range; keys are only set on empty keys (old * (new - old) == 0).
// Outputs the update's share of the conservation checks: dq = q(new) - q(old) and dsize[m].
// Inputs: prevRoot, index, oldLeaf[4+3M], newLeaf[4+3M], siblings[D].
// Outputs: nextRoot, dq, dsize[M].
// Cost: 2 Poseidon(4+3M) + D Num2Bits + 2D Poseidon(2) + LeafRange + 2M + 2
//       (measured: D=16, M=2: 9,340 constraints; D=2, M=2: 2,468).
// NOTE: oldLeaf is trusted to be in range because it is in the tree (every leaf was range checked
// when written); the genesis tree must hold in-range leaves only.
template AccountUpdate(D, M) {
    var L = 4 + 3 * M;
    signal input prevRoot;
    signal input index;
    signal input oldLeaf[L];
    signal input newLeaf[L];
    signal input siblings[D];
    signal output nextRoot;
    signal output dq;
    signal output dsize[M];

    // Num2Bits(D) also proves index < 2^D.
    component bits = Num2Bits(D);
    bits.in <== index;

    component oldHash = LeafHash(M);
    component newHash = LeafHash(M);
    for (var i = 0; i < L; i++) {
        oldHash.fields[i] <== oldLeaf[i];
        newHash.fields[i] <== newLeaf[i];
    }

    component path = MerkleUpdate(D);
    path.oldLeaf <== oldHash.out;
    path.newLeaf <== newHash.out;
    for (var k = 0; k < D; k++) {
        path.bits[k] <== bits.out[k];
        path.siblings[k] <== siblings[k];
    }
    path.oldRoot === prevRoot;
    nextRoot <== path.newRoot;

    component range = LeafRange(M);
    for (var i = 0; i < L; i++) range.fields[i] <== newLeaf[i];

    // Key rule: a key coordinate can only change from 0.
    oldLeaf[0] * (newLeaf[0] - oldLeaf[0]) === 0;
    oldLeaf[1] * (newLeaf[1] - oldLeaf[1]) === 0;

    component qOld = LeafQ(M);
    component qNew = LeafQ(M);
    for (var i = 0; i < L; i++) {
        qOld.fields[i] <== oldLeaf[i];
        qNew.fields[i] <== newLeaf[i];
    }
    dq <== qNew.q - qOld.q;
    for (var m = 0; m < M; m++) dsize[m] <== newLeaf[4 + 3 * m] - oldLeaf[4 + 3 * m];
}
