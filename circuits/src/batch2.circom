pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "batch-data.circom";
include "forced-slot.circom";
include "l1-queues.circom";
include "merkle-update.circom";
include "message-slot.circom";
include "op.circom";
include "poseidon.circom";
include "price-slot.circom";
include "range.circom";

// LeafRange2(M): a v2 account leaf [keyX, keyY, nonce, collateral, ordersRoot, (size, entry, snapshot)
// x M] in the ranges of SPEC.md: nonce [0, 2^32), collateral [0, 2^80), size (-2^47, 2^47), entry
// (-2^95, 2^95), snapshot (-2^63, 2^63), and a flat position has no entry notional.
// Inputs: fields[5+3M]. Cost: 112 + M * 212 constraints.
template LeafRange2(M) {
    signal input fields[5 + 3 * M];
    component nonce = UnsignedRange(32);
    nonce.in <== fields[2];
    component collateral = UnsignedRange(80);
    collateral.in <== fields[3];
    component size[M];
    component entry[M];
    component funding[M];
    component flat[M];
    for (var m = 0; m < M; m++) {
        size[m] = SignedRange(48);
        size[m].in <== fields[5 + 3 * m];
        entry[m] = SignedRange(96);
        entry[m].in <== fields[6 + 3 * m];
        funding[m] = SignedRange(64);
        funding[m].in <== fields[7 + 3 * m];
        flat[m] = IsZero();
        flat[m].in <== fields[5 + 3 * m];
        flat[m].out * fields[6 + 3 * m] === 0;
    }
}

// GlobalRoot2(M): Poseidon(Poseidon(market_0 fields), ..., insuranceFund, feePool, keeperX, keeperY),
// market fields [index, mark, F, openInterest, priceTime, fundingTime]. Cost: M PoseidonLean(6) +
// PoseidonLean(M + 4).
template GlobalRoot2(M) {
    signal input fields[6 * M + 4];
    signal output out;
    component mk[M];
    component h = PoseidonLean(M + 4);
    for (var m = 0; m < M; m++) {
        mk[m] = PoseidonLean(6);
        for (var f = 0; f < 6; f++) mk[m].inputs[f] <== fields[6 * m + f];
        h.inputs[m] <== mk[m].out;
    }
    for (var f = 0; f < 4; f++) h.inputs[M + f] <== fields[6 * M + f];
    out <== h.out;
}

// Batch2(D, N, M, S, T, K, ND, NW, NP, IMF, MMF, PENALTY_BPS, LIQ_BAND_BPS, BAND_BPS, CAP_PPB,
// MIN_GAP_MS, EMPTY_ORDERS_ROOT): one batch
// of proven transactions (docs/PROOF.md). In order: the M price slots move the market fields; the N
// account slots open their leaves under the old root and settle funding where `settle` says (a rule:
// snapshot := F, collateral += size·(F − snapshot)); the T ops run on that table; the S message slots
// verify the signed messages the ops used and move the orders' fill slots; each account slot's final
// leaf (the table's, with a nonce that may only grow) is written back along its path; the new global
// state is the one the ops computed.
// Also proved: every new leaf and global field in range, conservation (Σ Δq + Δfund + Δpool =
// deposits − withdrawals) and Σ Δsize = 0 per market as a second line, every L1 deposit consumed is
// credited by a deposit op and every withdrawal slot is paid by a withdrawal op, the keeper key
// never changes, and
//   publicHash = Poseidon(oldStateRoot, newStateRoot, batchNumber,
//                         Poseidon(depositHashOld, depositHashNew, withdrawalHash, batchTimeMs),
//                         Poseidon(priorityHashOld, priorityHashNew)),
// and the public data words are the batch's state change (batch-data.circom), so the state can be
// rebuilt from L1 alone. Public signals: publicHash, data[DataWords(D, N, M, S)].
// Cost: see the constraint counts asserted in test/circuits/batch2.test.ts and BENCHMARKS.md.
// NOTE: batchTimeMs is the L1 contract's to check against block time.
template Batch2(D, N, M, S, T, K, ND, NW, NP, IMF, MMF, PENALTY_BPS, LIQ_BAND_BPS, BAND_BPS, CAP_PPB, MIN_GAP_MS, EMPTY_ORDERS_ROOT) {
    var L = 5 + 3 * M;
    var R = L + 2;
    var G = 6 * M + 4;
    // MessageSlot's 53-bit fill comparison relies on at most 32 fills per order per batch.
    assert(T <= 32);

    signal input publicHash;
    signal input batchNumber;
    signal input data[DataWords(D, N, M, S)];
    signal input priorityHashOld;
    signal input priorityHashNew;
    signal input batchTimeMs;
    signal input depositHashOld;
    signal input depositHashNew;
    signal input withdrawalHash;
    signal input oldAccountsRoot;
    signal input oldGlobal[G];

    signal input priceEnabled[M];
    signal input price[M];
    signal input priceTime[M];
    signal input newMark[M];
    signal input newF[M];
    signal input priceSig[M][3];

    signal input index[N];
    signal input oldLeaf[N][L];
    signal input siblings[N][D];
    signal input settle[N][M];
    signal input finalNonce[N];
    signal input keyFrom[N];

    signal input msgEnabled[S];
    signal input msgFields[S][11];
    signal input msgSig[S][3];
    signal input msgSlot[S];
    signal input orderOccupied[S];
    signal input orderStoredNonce[S];
    signal input orderStoredFilled[S];
    signal input orderSiblings[S][K];

    signal input opKind[T][9];
    signal input opA[T];
    signal input opB[T];
    signal input opMsgA[T];
    signal input opMsgB[T];
    signal input opMarket[T];
    signal input opT[T];
    signal input opPrice[T];
    signal input opAmount[T];
    signal input opFeeA[T];
    signal input opFeeB[T];

    signal input depositEnabled[ND];
    signal input depositPubKeyX[ND];
    signal input depositPubKeyY[ND];
    signal input depositAmount[ND];
    signal input withdrawalEnabled[NW];
    signal input withdrawalAccountId[NW];
    signal input withdrawalL1Address[NW];
    signal input withdrawalAmount[NW];

    signal input forcedKind[NP];
    signal input forcedAccount[NP];
    signal input forcedKeyX[NP];
    signal input forcedKeyY[NP];
    signal input forcedAmount[NP];
    signal input forcedTo[NP];
    signal input forcedSlot[NP];

    // ---- 1. prices ----------------------------------------------------------------------------
    component prices[M];
    signal mark[M];
    signal F[M];
    for (var m = 0; m < M; m++) {
        prices[m] = PriceSlot(m, BAND_BPS, CAP_PPB, MIN_GAP_MS);
        prices[m].enabled <== priceEnabled[m];
        for (var f = 0; f < 6; f++) prices[m].old[f] <== oldGlobal[6 * m + f];
        prices[m].price <== price[m];
        prices[m].timestampMs <== priceTime[m];
        prices[m].mark <== newMark[m];
        prices[m].F <== newF[m];
        prices[m].R8x <== priceSig[m][0];
        prices[m].R8y <== priceSig[m][1];
        prices[m].S <== priceSig[m][2];
        prices[m].keyX <== oldGlobal[6 * M + 2];
        prices[m].keyY <== oldGlobal[6 * M + 3];
        mark[m] <== prices[m].out[1];
        F[m] <== prices[m].out[2];
    }

    // ---- 2. the account table, funding settled at load -----------------------------------------
    signal rows[T + 1][N][R];
    signal settled[N][M];
    component idxBits[N];
    for (var i = 0; i < N; i++) {
        idxBits[i] = Num2Bits(D);
        idxBits[i].in <== index[i];
        for (var m = 0; m < M; m++) {
            settle[i][m] * (settle[i][m] - 1) === 0;
            // How far the snapshot moves: to F when settled, not at all otherwise.
            settled[i][m] <== settle[i][m] * (F[m] - oldLeaf[i][7 + 3 * m]);
        }
    }
    signal paid[N][M];
    for (var i = 0; i < N; i++) {
        var coll = oldLeaf[i][3];
        for (var m = 0; m < M; m++) {
            paid[i][m] <== oldLeaf[i][5 + 3 * m] * settled[i][m];
            coll += paid[i][m];
        }
        for (var f = 0; f < 3; f++) rows[0][i][f] <== oldLeaf[i][f];
        rows[0][i][3] <== coll;
        rows[0][i][4] <== oldLeaf[i][4];
        for (var m = 0; m < M; m++) {
            rows[0][i][5 + 3 * m] <== oldLeaf[i][5 + 3 * m];
            rows[0][i][6 + 3 * m] <== oldLeaf[i][6 + 3 * m];
            rows[0][i][7 + 3 * m] <== oldLeaf[i][7 + 3 * m] + settled[i][m];
        }
        rows[0][i][L] <== 0;
        rows[0][i][L + 1] <== 0;
    }

    // ---- 3. the ops ---------------------------------------------------------------------------
    component ops[T];
    signal fund[T + 1];
    signal pool[T + 1];
    signal oi[T + 1][M];
    signal depCount[T + 1];
    signal wdCount[T + 1];
    fund[0] <== oldGlobal[6 * M];
    pool[0] <== oldGlobal[6 * M + 1];
    for (var m = 0; m < M; m++) oi[0][m] <== oldGlobal[6 * m + 3];
    depCount[0] <== 0;
    wdCount[0] <== 0;
    for (var t = 0; t < T; t++) {
        ops[t] = Op(N, M, S, ND, NW, IMF, MMF, PENALTY_BPS, LIQ_BAND_BPS);
        for (var i = 0; i < N; i++) {
            for (var f = 0; f < R; f++) ops[t].rows[i][f] <== rows[t][i][f];
            ops[t].index[i] <== index[i];
        }
        for (var j = 0; j < S; j++) for (var f = 0; f < 11; f++) ops[t].msg[j][f] <== msgFields[j][f];
        for (var m = 0; m < M; m++) {
            ops[t].mark[m] <== mark[m];
            ops[t].F[m] <== F[m];
            ops[t].oiIn[m] <== oi[t][m];
        }
        ops[t].fundIn <== fund[t];
        ops[t].poolIn <== pool[t];
        ops[t].depCountIn <== depCount[t];
        ops[t].wdCountIn <== wdCount[t];
        for (var k = 0; k < ND; k++) {
            ops[t].depX[k] <== depositPubKeyX[k];
            ops[t].depY[k] <== depositPubKeyY[k];
            ops[t].depAmount[k] <== depositAmount[k];
        }
        for (var k = 0; k < NW; k++) {
            ops[t].wdAccount[k] <== withdrawalAccountId[k];
            ops[t].wdAddress[k] <== withdrawalL1Address[k];
            ops[t].wdAmount[k] <== withdrawalAmount[k];
        }
        for (var k = 0; k < 9; k++) ops[t].kind[k] <== opKind[t][k];
        ops[t].aSlot <== opA[t];
        ops[t].bSlot <== opB[t];
        ops[t].msgA <== opMsgA[t];
        ops[t].msgB <== opMsgB[t];
        ops[t].market <== opMarket[t];
        ops[t].t <== opT[t];
        ops[t].price <== opPrice[t];
        ops[t].amount <== opAmount[t];
        ops[t].feeA <== opFeeA[t];
        ops[t].feeB <== opFeeB[t];
        for (var i = 0; i < N; i++) for (var f = 0; f < R; f++) rows[t + 1][i][f] <== ops[t].rowsOut[i][f];
        fund[t + 1] <== ops[t].fundOut;
        pool[t + 1] <== ops[t].poolOut;
        for (var m = 0; m < M; m++) oi[t + 1][m] <== ops[t].oiOut[m];
        depCount[t + 1] <== ops[t].depCountOut;
        wdCount[t + 1] <== ops[t].wdCountOut;
    }

    // ---- 3b. the priority requests from L1, after every op ------------------------------------
    component forced[NP];
    signal tbl[NP + 1][N][R];
    signal pHash[NP + 1];
    signal wdc[NP + 1];
    for (var i = 0; i < N; i++) for (var f = 0; f < R; f++) tbl[0][i][f] <== rows[T][i][f];
    pHash[0] <== priorityHashOld;
    wdc[0] <== wdCount[T];
    for (var p = 0; p < NP; p++) {
        forced[p] = ForcedSlot(N, M, NW, IMF);
        forced[p].kind <== forcedKind[p];
        forced[p].accountId <== forcedAccount[p];
        forced[p].keyX <== forcedKeyX[p];
        forced[p].keyY <== forcedKeyY[p];
        forced[p].amount <== forcedAmount[p];
        forced[p].to <== forcedTo[p];
        forced[p].slot <== forcedSlot[p];
        forced[p].hashIn <== pHash[p];
        forced[p].wdCountIn <== wdc[p];
        for (var i = 0; i < N; i++) {
            for (var f = 0; f < R; f++) forced[p].rows[i][f] <== tbl[p][i][f];
            forced[p].index[i] <== index[i];
        }
        for (var m = 0; m < M; m++) {
            forced[p].mark[m] <== mark[m];
            forced[p].F[m] <== F[m];
        }
        for (var k = 0; k < NW; k++) {
            forced[p].wdAccount[k] <== withdrawalAccountId[k];
            forced[p].wdAddress[k] <== withdrawalL1Address[k];
            forced[p].wdAmount[k] <== withdrawalAmount[k];
        }
        for (var i = 0; i < N; i++) for (var f = 0; f < R; f++) tbl[p + 1][i][f] <== forced[p].rowsOut[i][f];
        pHash[p + 1] <== forced[p].hashOut;
        wdc[p + 1] <== forced[p].wdCountOut;
    }
    pHash[NP] === priorityHashNew;

    // ---- 4. the signed messages and the order-fill trees ---------------------------------------
    component msgs[S];
    signal roots[S + 1][N];
    for (var i = 0; i < N; i++) roots[0][i] <== tbl[NP][i][4];
    for (var j = 0; j < S; j++) {
        msgs[j] = MessageSlot(N, M, K, EMPTY_ORDERS_ROOT);
        msgs[j].enabled <== msgEnabled[j];
        for (var f = 0; f < 11; f++) msgs[j].fields[f] <== msgFields[j][f];
        msgs[j].R8x <== msgSig[j][0];
        msgs[j].R8y <== msgSig[j][1];
        msgs[j].S <== msgSig[j][2];
        msgs[j].slot <== msgSlot[j];
        for (var i = 0; i < N; i++) {
            msgs[j].keyX[i] <== tbl[NP][i][0];
            msgs[j].keyY[i] <== tbl[NP][i][1];
            msgs[j].index[i] <== index[i];
            msgs[j].rootIn[i] <== roots[j][i];
        }
        msgs[j].occupied <== orderOccupied[j];
        msgs[j].storedNonce <== orderStoredNonce[j];
        msgs[j].storedFilled <== orderStoredFilled[j];
        for (var k = 0; k < K; k++) msgs[j].siblings[k] <== orderSiblings[j][k];
        var filledAdd = 0;
        for (var t = 0; t < T; t++) filledAdd += ops[t].fillA[j] + ops[t].fillB[j];
        msgs[j].filledAdd <== filledAdd;
        msgs[j].batchTime <== batchTimeMs;
        for (var i = 0; i < N; i++) roots[j + 1][i] <== msgs[j].rootOut[i];
    }

    // ---- 5. write the leaves back ---------------------------------------------------------------
    component oldHash[N];
    component newHash[N];
    component paths[N];
    component ranges[N];
    component nonceUp[N];
    signal accRoot[N + 1];
    signal newLeaf[N][L];
    signal qOld[N][M];
    signal qNew[N][M];
    accRoot[0] <== oldAccountsRoot;
    var dq = 0;
    var dsize[M];
    for (var m = 0; m < M; m++) dsize[m] = 0;
    for (var i = 0; i < N; i++) {
        newLeaf[i][0] <== tbl[NP][i][0];
        newLeaf[i][1] <== tbl[NP][i][1];
        newLeaf[i][2] <== finalNonce[i];
        newLeaf[i][3] <== tbl[NP][i][3];
        newLeaf[i][4] <== roots[S][i];
        for (var f = 5; f < L; f++) newLeaf[i][f] <== tbl[NP][i][f];
        // The engine counts every signed request in the nonce; the proof only the ones it sees.
        nonceUp[i] = LessEqThan(32);
        nonceUp[i].in[0] <== tbl[NP][i][2];
        nonceUp[i].in[1] <== finalNonce[i];
        nonceUp[i].out === 1;
        ranges[i] = LeafRange2(M);
        for (var f = 0; f < L; f++) ranges[i].fields[f] <== newLeaf[i][f];

        oldHash[i] = PoseidonLean(L);
        newHash[i] = PoseidonLean(L);
        for (var f = 0; f < L; f++) {
            oldHash[i].inputs[f] <== oldLeaf[i][f];
            newHash[i].inputs[f] <== newLeaf[i][f];
        }
        paths[i] = MerkleUpdate(D);
        paths[i].oldLeaf <== oldHash[i].out;
        paths[i].newLeaf <== newHash[i].out;
        for (var k = 0; k < D; k++) {
            paths[i].bits[k] <== idxBits[i].out[k];
            paths[i].siblings[k] <== siblings[i][k];
        }
        paths[i].oldRoot === accRoot[i];
        accRoot[i + 1] <== paths[i].newRoot;

        var q = newLeaf[i][3] - oldLeaf[i][3];
        for (var m = 0; m < M; m++) {
            qOld[i][m] <== oldLeaf[i][5 + 3 * m] * oldLeaf[i][7 + 3 * m];
            qNew[i][m] <== newLeaf[i][5 + 3 * m] * newLeaf[i][7 + 3 * m];
            q += oldLeaf[i][6 + 3 * m] + qOld[i][m] - newLeaf[i][6 + 3 * m] - qNew[i][m];
            dsize[m] += newLeaf[i][5 + 3 * m] - oldLeaf[i][5 + 3 * m];
        }
        dq += q;
    }

    // ---- 6. L1 queues, the new global state, second-line checks, the public hash ---------------
    component deposits = HashChain(ND);
    deposits.start <== depositHashOld;
    var depSlots = 0;
    for (var k = 0; k < ND; k++) {
        deposits.enabled[k] <== depositEnabled[k];
        deposits.a[k] <== depositPubKeyX[k];
        deposits.b[k] <== depositPubKeyY[k];
        deposits.amount[k] <== depositAmount[k];
        depSlots += depositEnabled[k];
    }
    deposits.out === depositHashNew;
    // Every consumed L1 deposit is credited by a deposit op, and no op credits an unconsumed one.
    depCount[T] === depSlots;

    component withdrawals = HashChain(NW);
    withdrawals.start <== 0;
    var wdSlots = 0;
    for (var k = 0; k < NW; k++) {
        withdrawals.enabled[k] <== withdrawalEnabled[k];
        withdrawals.a[k] <== withdrawalAccountId[k];
        withdrawals.b[k] <== withdrawalL1Address[k];
        withdrawals.amount[k] <== withdrawalAmount[k];
        wdSlots += withdrawalEnabled[k];
    }
    withdrawals.out === withdrawalHash;
    // The ops' withdrawals, then the forced ones, fill the withdrawal slots exactly.
    wdc[NP] === wdSlots;

    signal newGlobal[G];
    for (var m = 0; m < M; m++) {
        newGlobal[6 * m] <== prices[m].out[0];
        newGlobal[6 * m + 1] <== prices[m].out[1];
        newGlobal[6 * m + 2] <== prices[m].out[2];
        newGlobal[6 * m + 3] <== oi[T][m];
        newGlobal[6 * m + 4] <== prices[m].out[4];
        newGlobal[6 * m + 5] <== prices[m].out[5];
    }
    newGlobal[6 * M] <== fund[T];
    newGlobal[6 * M + 1] <== pool[T];
    newGlobal[6 * M + 2] <== oldGlobal[6 * M + 2];
    newGlobal[6 * M + 3] <== oldGlobal[6 * M + 3];
    component fundRange = UnsignedRange(80);
    fundRange.in <== fund[T];
    component poolRange = UnsignedRange(80);
    poolRange.in <== pool[T];
    component oiRange[M];
    component fRange[M];
    for (var m = 0; m < M; m++) {
        oiRange[m] = UnsignedRange(48);
        oiRange[m].in <== oi[T][m];
        fRange[m] = SignedRange(64);
        fRange[m].in <== prices[m].out[2];
    }

    var dFunds = fund[T] - oldGlobal[6 * M] + pool[T] - oldGlobal[6 * M + 1];
    dq + dFunds === deposits.total - withdrawals.total;
    for (var m = 0; m < M; m++) dsize[m] === 0;

    component oldG = GlobalRoot2(M);
    component newG = GlobalRoot2(M);
    for (var g = 0; g < G; g++) {
        oldG.fields[g] <== oldGlobal[g];
        newG.fields[g] <== newGlobal[g];
    }
    component oldStateRoot = PoseidonLean(2);
    oldStateRoot.inputs[0] <== oldAccountsRoot;
    oldStateRoot.inputs[1] <== oldG.out;
    component newStateRoot = PoseidonLean(2);
    newStateRoot.inputs[0] <== accRoot[N];
    newStateRoot.inputs[1] <== newG.out;
    component l1Hash = PoseidonLean(4);
    l1Hash.inputs[0] <== depositHashOld;
    l1Hash.inputs[1] <== depositHashNew;
    l1Hash.inputs[2] <== withdrawalHash;
    l1Hash.inputs[3] <== batchTimeMs;
    component pub = PoseidonLean(5);
    pub.inputs[0] <== oldStateRoot.out;
    pub.inputs[1] <== newStateRoot.out;
    pub.inputs[2] <== batchNumber;
    pub.inputs[3] <== l1Hash.out;
    component priority = PoseidonLean(2);
    priority.inputs[0] <== priorityHashOld;
    priority.inputs[1] <== priorityHashNew;
    pub.inputs[4] <== priority.out;
    pub.out === publicHash;

    // ---- 7. the published data: exactly the state change ---------------------------------------
    var GW = GlobalWords(M);
    var AW = AccountWords(D, M);
    component globalData = GlobalData(M);
    for (var g = 0; g < 6 * M + 2; g++) globalData.g[g] <== newGlobal[g];
    for (var k = 0; k < GW; k++) data[k] === globalData.words[k];
    component accountData[N];
    for (var i = 0; i < N; i++) {
        accountData[i] = AccountData(N, M, ND, D, i);
        accountData[i].oldHash <== oldHash[i].out;
        accountData[i].newHash <== newHash[i].out;
        for (var f = 0; f < L; f++) {
            accountData[i].old[f] <== oldLeaf[i][f];
            accountData[i].new[f] <== newLeaf[i][f];
        }
        accountData[i].index <== index[i];
        for (var m = 0; m < M; m++) accountData[i].F[m] <== F[m];
        accountData[i].keyFrom <== keyFrom[i];
        for (var j = 0; j < N; j++) {
            accountData[i].slotKeyX[j] <== oldLeaf[j][0];
            accountData[i].slotKeyY[j] <== oldLeaf[j][1];
            // Only earlier slots can be named, whose changed flag is already computed.
            accountData[i].slotChanged[j] <== j < i ? accountData[j].changed : 0;
        }
        for (var k = 0; k < ND; k++) {
            accountData[i].depX[k] <== depositPubKeyX[k];
            accountData[i].depY[k] <== depositPubKeyY[k];
            accountData[i].depEnabled[k] <== depositEnabled[k];
        }
        for (var k = 0; k < AW; k++) data[GW + i * AW + k] === accountData[i].words[k];
    }
    component orderData = OrderData(S, D);
    for (var j = 0; j < S; j++) {
        orderData.isOrder[j] <== msgs[j].isOrderOut;
        orderData.accountId[j] <== msgFields[j][1];
        orderData.nonce[j] <== msgFields[j][2];
        orderData.filled[j] <== msgs[j].filledOut;
    }
    for (var k = 0; k < OrderWords(D, S); k++) data[GW + N * AW + k] === orderData.words[k];
}
