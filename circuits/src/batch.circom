pragma circom 2.1.0;

include "poseidon.circom";
include "account-update.circom";
include "global-state.circom";
include "l1-queues.circom";

// Batch(D, N, M, ND, NW): one rollup batch, SPEC.md "A batch" checks 1-7.
// Proves that applying the N account updates in order moves the accounts tree from oldAccountsRoot
// to the final root (each update checked against the root left by the previous one), that new
// leaves and new global fields are in range and keys are only set on empty keys, that cash is
// conserved up to L1 deposits minus withdrawals, that per-market sizes sum to zero over the
// updates, that the deposit and withdrawal chains are computed from the enabled slots, and that
//   publicHash = Poseidon(oldStateRoot, newStateRoot, batchNumber,
//                         Poseidon(depositHashOld, depositHashNew, withdrawalHash), dataHash).
// publicHash is the single public signal: a public input that the circuit pins to the computed hash.
// Inputs: publicHash (public); batchNumber, dataHash, depositHashOld, depositHashNew, withdrawalHash,
// oldAccountsRoot, oldGlobal[3M+2], newGlobal[3M+2], index[N], oldLeaf[N][4+3M], newLeaf[N][4+3M],
// siblings[N][D], deposit{Enabled,PubKeyX,PubKeyY,Amount}[ND],
// withdrawal{Enabled,AccountId,L1Address,Amount}[NW] (all private).
// Cost: N * AccountUpdate + 2 GlobalRoot + GlobalRange + ND/NW HashChain slots + 2 PoseidonLean(2)
//       + PoseidonLean(3) + PoseidonLean(5) (see the constraint counts asserted in test/circuits).
// NOTE: dataHash is opaque here: the L1 contract must compute it from the published batch data.
// NOTE: withdrawalAccountId / withdrawalL1Address are only hashed; the L1 contract checks their form,
// and that the debits match account updates is the sequencer's job, not proven here.
template Batch(D, N, M, ND, NW) {
    var L = 4 + 3 * M;
    var G = 3 * M + 2;

    signal input publicHash;
    signal input batchNumber;
    signal input dataHash;
    signal input depositHashOld;
    signal input depositHashNew;
    signal input withdrawalHash;
    signal input oldAccountsRoot;
    signal input oldGlobal[G];
    signal input newGlobal[G];
    signal input index[N];
    signal input oldLeaf[N][L];
    signal input newLeaf[N][L];
    signal input siblings[N][D];
    signal input depositEnabled[ND];
    signal input depositPubKeyX[ND];
    signal input depositPubKeyY[ND];
    signal input depositAmount[ND];
    signal input withdrawalEnabled[NW];
    signal input withdrawalAccountId[NW];
    signal input withdrawalL1Address[NW];
    signal input withdrawalAmount[NW];

    // Checks 1, 2: the updates, chained root to root.
    component upd[N];
    signal roots[N + 1];
    roots[0] <== oldAccountsRoot;
    var dq = 0;
    var dsize[M];
    for (var m = 0; m < M; m++) dsize[m] = 0;
    for (var i = 0; i < N; i++) {
        upd[i] = AccountUpdate(D, M);
        upd[i].prevRoot <== roots[i];
        upd[i].index <== index[i];
        for (var j = 0; j < L; j++) {
            upd[i].oldLeaf[j] <== oldLeaf[i][j];
            upd[i].newLeaf[j] <== newLeaf[i][j];
        }
        for (var k = 0; k < D; k++) upd[i].siblings[k] <== siblings[i][k];
        roots[i + 1] <== upd[i].nextRoot;
        dq += upd[i].dq;
        for (var m = 0; m < M; m++) dsize[m] += upd[i].dsize[m];
    }

    // Check 5: new global fields in range. Old ones were checked when they were written.
    component globalRange = GlobalRange(M);
    for (var g = 0; g < G; g++) globalRange.fields[g] <== newGlobal[g];

    // Check 6: the L1 queue chains.
    component deposits = HashChain(ND);
    deposits.start <== depositHashOld;
    for (var k = 0; k < ND; k++) {
        deposits.enabled[k] <== depositEnabled[k];
        deposits.a[k] <== depositPubKeyX[k];
        deposits.b[k] <== depositPubKeyY[k];
        deposits.amount[k] <== depositAmount[k];
    }
    deposits.out === depositHashNew;

    component withdrawals = HashChain(NW);
    withdrawals.start <== 0;
    for (var k = 0; k < NW; k++) {
        withdrawals.enabled[k] <== withdrawalEnabled[k];
        withdrawals.a[k] <== withdrawalAccountId[k];
        withdrawals.b[k] <== withdrawalL1Address[k];
        withdrawals.amount[k] <== withdrawalAmount[k];
    }
    withdrawals.out === withdrawalHash;

    // Check 3: conservation. Every term is a range-bounded integer far below p/2, so equality in the
    // field is equality of integers.
    var dFunds = (newGlobal[3 * M] - oldGlobal[3 * M]) + (newGlobal[3 * M + 1] - oldGlobal[3 * M + 1]);
    dq + dFunds === deposits.total - withdrawals.total;

    // Check 4: zero-sum positions per market.
    for (var m = 0; m < M; m++) dsize[m] === 0;

    // Check 7: the public hash.
    component oldGlobalRoot = GlobalRoot(M);
    component newGlobalRoot = GlobalRoot(M);
    for (var g = 0; g < G; g++) {
        oldGlobalRoot.fields[g] <== oldGlobal[g];
        newGlobalRoot.fields[g] <== newGlobal[g];
    }
    component oldStateRoot = PoseidonLean(2);
    oldStateRoot.inputs[0] <== oldAccountsRoot;
    oldStateRoot.inputs[1] <== oldGlobalRoot.out;
    component newStateRoot = PoseidonLean(2);
    newStateRoot.inputs[0] <== roots[N];
    newStateRoot.inputs[1] <== newGlobalRoot.out;

    component l1Hash = PoseidonLean(3);
    l1Hash.inputs[0] <== depositHashOld;
    l1Hash.inputs[1] <== depositHashNew;
    l1Hash.inputs[2] <== withdrawalHash;

    component pub = PoseidonLean(5);
    pub.inputs[0] <== oldStateRoot.out;
    pub.inputs[1] <== newStateRoot.out;
    pub.inputs[2] <== batchNumber;
    pub.inputs[3] <== l1Hash.out;
    pub.inputs[4] <== dataHash;
    pub.out === publicHash;
}
