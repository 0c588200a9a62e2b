pragma circom 2.1.0;

include "poseidon.circom";

// MerkleUpdate(D): recomputes the root of one sparse-Merkle path twice, once with the old leaf
// hash and once with the new one, over the same siblings and index bits (SPEC.md: bit k set means
// the node at level k is a right child; parent = bit ? H(sibling, cur) : H(cur, sibling)).
// Inputs: oldLeaf, newLeaf (leaf hashes), bits[D] (index, LSB first), siblings[D].
// Outputs: oldRoot, newRoot. Cost: 2D PoseidonLean(2) + 2D ordering constraints (~486 per level).
// NOTE: bits must be boolean (the caller gets them from Num2Bits), otherwise the ordering is not a swap.
template MerkleUpdate(D) {
    signal input oldLeaf;
    signal input newLeaf;
    signal input bits[D];
    signal input siblings[D];
    signal output oldRoot;
    signal output newRoot;

    signal oldCur[D + 1];
    signal newCur[D + 1];
    signal oldLeft[D];
    signal newLeft[D];
    component oldH[D];
    component newH[D];
    oldCur[0] <== oldLeaf;
    newCur[0] <== newLeaf;
    for (var k = 0; k < D; k++) {
        // left = bit ? sibling : cur; right = cur + sibling - left (one multiplication each path).
        oldLeft[k] <== oldCur[k] + bits[k] * (siblings[k] - oldCur[k]);
        oldH[k] = PoseidonLean(2);
        oldH[k].inputs[0] <== oldLeft[k];
        oldH[k].inputs[1] <== oldCur[k] + siblings[k] - oldLeft[k];
        oldCur[k + 1] <== oldH[k].out;

        newLeft[k] <== newCur[k] + bits[k] * (siblings[k] - newCur[k]);
        newH[k] = PoseidonLean(2);
        newH[k].inputs[0] <== newLeft[k];
        newH[k].inputs[1] <== newCur[k] + siblings[k] - newLeft[k];
        newCur[k + 1] <== newH[k].out;
    }
    oldRoot <== oldCur[D];
    newRoot <== newCur[D];
}
