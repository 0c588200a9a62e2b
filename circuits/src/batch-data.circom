pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "select.circom";

// The published batch data (docs/SPEC.md "Published batch data"; TS: sequencer/proof/batch-data.ts).
// The data words are public inputs, and these templates compute them from the state change, so the
// words L1 stores are the batch's new global fields, account fields and order-fill entries, bit for
// bit: anyone can rebuild the state from L1 calldata (node/reconstruct).

// Payload bytes per word: 248 bits stay below the field modulus, so a word has one reading.
function WordBytes() {
    return 31;
}

// Words a group of fields of byte widths W takes, laid out greedily (a field never straddles).
function PackedWords(NF, W) {
    var words = 0;
    var pos = WordBytes();
    for (var f = 0; f < NF; f++) {
        if (pos + W[f] > WordBytes()) {
            words++;
            pos = 0;
        }
        pos += W[f];
    }
    return words;
}

// PackGroup(NF, W): words = the fields v, each proven below 2^(8·W[f]), packed big-endian in the
// greedy layout of PackedWords. The range proofs make the packing injective: no field can spill
// into its neighbour, so a word decodes to one list of fields.
// Inputs: v[NF]. Outputs: words[PackedWords(NF, W)]. Cost: Σ 8·W[f] constraints.
template PackGroup(NF, W) {
    var NWORDS = PackedWords(NF, W);
    signal input v[NF];
    signal output words[NWORDS];
    component bits[NF];
    var acc[NWORDS];
    for (var k = 0; k < NWORDS; k++) acc[k] = 0;
    var word = -1;
    var pos = WordBytes();
    for (var f = 0; f < NF; f++) {
        bits[f] = Num2Bits(8 * W[f]);
        bits[f].in <== v[f];
        if (pos + W[f] > WordBytes()) {
            word++;
            pos = 0;
        }
        pos += W[f];
        acc[word] += v[f] * (1 << (8 * (WordBytes() - pos)));
    }
    for (var k = 0; k < NWORDS; k++) words[k] <== acc[k];
}

// Bytes of an account index in the data.
function IndexBytes(D) {
    return (D + 7) \ 8;
}

// [tag, keyFrom, index, nonce, collateral, (size, entry) x M]
function AccountWidths(D, M) {
    var w[5 + 2 * 4];
    w[0] = 1;
    w[1] = 1;
    w[2] = IndexBytes(D);
    w[3] = 4;
    w[4] = 10;
    for (var m = 0; m < M; m++) {
        w[5 + 2 * m] = 6;
        w[6 + 2 * m] = 12;
    }
    return w;
}

// S x [tag, accountId, nonce, filled]
function OrderWidths(D, S) {
    var w[4 * 32];
    for (var j = 0; j < S; j++) {
        w[4 * j] = 1;
        w[4 * j + 1] = IndexBytes(D);
        w[4 * j + 2] = 4;
        w[4 * j + 3] = 7;
    }
    return w;
}

// M x [index, mark, F, openInterest, priceTime, fundingTime], insuranceFund, feePool
function GlobalWidths(M) {
    var w[6 * 4 + 2];
    for (var m = 0; m < M; m++) {
        w[6 * m] = 5;
        w[6 * m + 1] = 5;
        w[6 * m + 2] = 8;
        w[6 * m + 3] = 6;
        w[6 * m + 4] = 6;
        w[6 * m + 5] = 6;
    }
    w[6 * M] = 10;
    w[6 * M + 1] = 10;
    return w;
}

function AccountWords(D, M) {
    return PackedWords(5 + 2 * M, AccountWidths(D, M));
}

function OrderWords(D, S) {
    return PackedWords(4 * S, OrderWidths(D, S));
}

function GlobalWords(M) {
    return PackedWords(6 * M + 2, GlobalWidths(M));
}

// Public data words of a batch: the global group, N account groups, the order group.
function DataWords(D, N, M, S) {
    return GlobalWords(M) + N * AccountWords(D, M) + OrderWords(D, S);
}

// AccountData(N, M, ND, D, I): the record of account slot I. Zero when the slot changed nothing
// (its old and new leaf hashes are equal); else [tag, keyFrom, index, nonce, collateral,
// (size + 2^47, entry + 2^95) x M] with tag = 1 + Σ_m 2^(1+m)·(snapshot_m = F_m). Proves:
//   - a snapshot either moved to F_m or stayed (the tag says which), so it needs no bytes;
//   - the new key is the one keyFrom names: 0 the slot's old key, 1 + j the old key of an earlier
//     changed slot j < I, 1 + N + k the key of the batch's consumed deposit k. Every name resolves
//     in one pass over the records, with no cycle, whatever the operator writes.
// The ordersRoot is not published: the order records rebuild it.
// Inputs: oldHash, newHash, old[L], new[L], index, F[M], keyFrom, slotKeyX[N], slotKeyY[N] (the old
// keys of every slot), slotChanged[N], depX[ND], depY[ND], depEnabled[ND]. Outputs: changed,
// words[AccountWords(D, M)].
template AccountData(N, M, ND, D, I) {
    var L = 5 + 3 * M;
    var C = 1 + N + ND;
    assert(C <= 256);
    signal input oldHash;
    signal input newHash;
    signal input old[L];
    signal input new[L];
    signal input index;
    signal input F[M];
    signal input keyFrom;
    signal input slotKeyX[N];
    signal input slotKeyY[N];
    signal input slotChanged[N];
    signal input depX[ND];
    signal input depY[ND];
    signal input depEnabled[ND];
    signal output changed;
    signal output words[AccountWords(D, M)];

    component same = IsEqual();
    same.in[0] <== oldHash;
    same.in[1] <== newHash;
    changed <== 1 - same.out;

    component toF[M];
    signal moved[M];
    var tag = changed;
    for (var m = 0; m < M; m++) {
        toF[m] = IsEqual();
        toF[m].in[0] <== new[7 + 3 * m];
        toF[m].in[1] <== F[m];
        (1 - toF[m].out) * (new[7 + 3 * m] - old[7 + 3 * m]) === 0;
        moved[m] <== changed * toF[m].out;
        tag += (1 << (1 + m)) * moved[m];
    }

    component sel = OneHot(C);
    sel.idx <== keyFrom;
    sel.en <== 1;
    signal px[C];
    signal py[C];
    var kx = 0;
    var ky = 0;
    for (var c = 0; c < C; c++) {
        var cx;
        var cy;
        if (c == 0) {
            cx = old[0];
            cy = old[1];
        } else if (c <= N) {
            cx = slotKeyX[c - 1];
            cy = slotKeyY[c - 1];
            if (c - 1 >= I) {
                sel.sel[c] === 0;
            } else {
                sel.sel[c] * (1 - slotChanged[c - 1]) === 0;
            }
        } else {
            cx = depX[c - 1 - N];
            cy = depY[c - 1 - N];
            sel.sel[c] * (1 - depEnabled[c - 1 - N]) === 0;
        }
        px[c] <== sel.sel[c] * cx;
        py[c] <== sel.sel[c] * cy;
        kx += px[c];
        ky += py[c];
    }
    new[0] === kx;
    new[1] === ky;

    var NF = 5 + 2 * M;
    component pack = PackGroup(NF, AccountWidths(D, M));
    signal v[NF];
    v[0] <== tag;
    v[1] <== changed * keyFrom;
    v[2] <== changed * index;
    v[3] <== changed * new[2];
    v[4] <== changed * new[3];
    for (var m = 0; m < M; m++) {
        v[5 + 2 * m] <== changed * (new[5 + 3 * m] + (1 << 47));
        v[6 + 2 * m] <== changed * (new[6 + 3 * m] + (1 << 95));
    }
    for (var f = 0; f < NF; f++) pack.v[f] <== v[f];
    for (var k = 0; k < AccountWords(D, M); k++) words[k] <== pack.words[k];
}

// OrderData(S, D): one group of S order records [tag, accountId, nonce, filled]: the entry each
// order message wrote into its account's order-fill tree (zero for a slot without an order).
// Inputs: isOrder[S], accountId[S], nonce[S], filled[S]. Outputs: words[OrderWords(D, S)].
template OrderData(S, D) {
    signal input isOrder[S];
    signal input accountId[S];
    signal input nonce[S];
    signal input filled[S];
    signal output words[OrderWords(D, S)];
    component pack = PackGroup(4 * S, OrderWidths(D, S));
    signal id[S];
    signal n[S];
    signal amount[S];
    for (var j = 0; j < S; j++) {
        id[j] <== isOrder[j] * accountId[j];
        n[j] <== isOrder[j] * nonce[j];
        amount[j] <== isOrder[j] * filled[j];
        pack.v[4 * j] <== isOrder[j];
        pack.v[4 * j + 1] <== id[j];
        pack.v[4 * j + 2] <== n[j];
        pack.v[4 * j + 3] <== amount[j];
    }
    for (var k = 0; k < OrderWords(D, S); k++) words[k] <== pack.words[k];
}

// GlobalData(M): the new global fields but the keeper key (which never changes), the funding index
// with its offset 2^63. Inputs: g[6M + 2]. Outputs: words[GlobalWords(M)].
template GlobalData(M) {
    signal input g[6 * M + 2];
    signal output words[GlobalWords(M)];
    component pack = PackGroup(6 * M + 2, GlobalWidths(M));
    for (var f = 0; f < 6 * M + 2; f++) {
        if (f < 6 * M && f % 6 == 2) {
            pack.v[f] <== g[f] + (1 << 63);
        } else {
            pack.v[f] <== g[f];
        }
    }
    for (var k = 0; k < GlobalWords(M); k++) words[k] <== pack.words[k];
}
