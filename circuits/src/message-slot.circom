pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "merkle-update.circom";
include "poseidon.circom";
include "select.circom";
include "signature.circom";

// MessageSlot(N, M, K, EMPTY_ORDERS_ROOT): one signed request of a batch (docs/PROOF.md "Signed messages"), verified once
// however many ops use it. fields = the 11-field v2 message (SPEC.md):
//   order      [1, accountId, nonce, marketId, side, type, tif, price, size, maxFeeBps, expiryMs]
//   withdrawal [3, accountId, nonce, amount, l1Address, 0, 0, 0, 0, 0, 0]
//   transfer   [5, accountId, nonce, amount, to + 1, isolatedMarket + 1, 0, 0, 0, 0, 0]
// Proves, when enabled: the kind is one of those; accountId is the index of account slot `slot`; the
// signature over Poseidon(fields) is valid for that slot's key (its final key: keys never change once
// set, and an unset key is not on the curve). For an order also: its fields are in range, it has not
// expired at batchTime, and its slot in the account's order-fill tree (index nonce mod 2^K) moves
// from the stored entry to (nonce, filled) where filled = the stored amount if the slot held this
// order (0 if it was empty or held an older nonce; a newer nonce there refuses the order) plus the
// batch's fills of it (filledAdd), and filled <= size.
// Inputs: enabled, fields[11], R8x, R8y, S, slot, keyX[N], keyY[N], index[N], rootIn[N], occupied,
// storedNonce, storedFilled, siblings[K], filledAdd, batchTime. Outputs: rootOut[N], isOrderOut,
// filledOut.
// Cost: SignatureCheck + PoseidonLean(11) + 2 PoseidonLean(2) + MerkleUpdate(K) + ~4N + 330.
// NOTE: the ops check that every fill references an order message and how much it fills (filledAdd).
template MessageSlot(N, M, K, EMPTY_ORDERS_ROOT) {
    signal input enabled;
    signal input fields[11];
    signal input R8x;
    signal input R8y;
    signal input S;
    signal input slot;
    signal input keyX[N];
    signal input keyY[N];
    signal input index[N];
    signal input rootIn[N];
    signal input occupied;
    signal input storedNonce;
    signal input storedFilled;
    signal input siblings[K];
    signal input filledAdd;
    signal input batchTime;
    signal output rootOut[N];
    // For the published order record (batch-data.circom): whether this slot holds an order, and the
    // filled amount it wrote.
    signal output isOrderOut;
    signal output filledOut;

    enabled * (enabled - 1) === 0;
    var kind = fields[0];
    signal k13 <== (kind - 1) * (kind - 3);
    signal k135 <== k13 * (kind - 5);
    enabled * k135 === 0;
    component isOrderKind = IsEqual();
    isOrderKind.in[0] <== kind;
    isOrderKind.in[1] <== 1;
    signal isOrder <== enabled * isOrderKind.out;

    component sel = OneHot(N);
    sel.idx <== slot;
    sel.en <== enabled;
    component ax = Dot(N);
    component ay = Dot(N);
    component id = Dot(N);
    component root = Dot(N);
    for (var i = 0; i < N; i++) {
        ax.sel[i] <== sel.sel[i];
        ax.v[i] <== keyX[i];
        ay.sel[i] <== sel.sel[i];
        ay.v[i] <== keyY[i];
        id.sel[i] <== sel.sel[i];
        id.v[i] <== index[i];
        root.sel[i] <== sel.sel[i];
        root.v[i] <== rootIn[i];
    }
    id.out === enabled * fields[1];

    component msg = PoseidonLean(11);
    for (var f = 0; f < 11; f++) msg.inputs[f] <== fields[f];
    component sig = SignatureCheck();
    sig.enabled <== enabled;
    sig.Ax <== ax.out;
    sig.Ay <== ay.out;
    sig.S <== S;
    sig.R8x <== R8x;
    sig.R8y <== R8y;
    sig.msg <== msg.out;

    // Order terms in range (each check multiplied by isOrder, so other kinds pass with zeros).
    // marketId in [0, M): the product of (marketId - m) vanishes.
    signal marketOk <== isOrder * fields[3];
    signal marketProd[M];
    marketProd[0] <== marketOk;
    for (var m = 1; m < M; m++) marketProd[m] <== marketProd[m - 1] * (marketOk - m);
    marketProd[M - 1] === 0;
    signal flags[3];
    for (var f = 0; f < 3; f++) {
        flags[f] <== isOrder * fields[4 + f];
        flags[f] * (fields[4 + f] - 1) === 0;
    }
    component priceBits = Num2Bits(40);
    priceBits.in <== isOrder * fields[7];
    component sizeBits = Num2Bits(47);
    sizeBits.in <== isOrder * fields[8];
    component feeBits = Num2Bits(14);
    feeBits.in <== isOrder * fields[9];
    component notExpired = LessThan(48);
    notExpired.in[0] <== isOrder * batchTime;
    notExpired.in[1] <== isOrder * fields[10];
    // With isOrder = 0 both sides are 0 and LessThan says 0: only an order must be unexpired.
    notExpired.out === isOrder;

    // The order-fill tree slot: nonce mod 2^K.
    component nonceBits = Num2Bits(32);
    // Every kind's nonce is a uint32: the ops compare nonces with 32-bit comparators.
    nonceBits.in <== enabled * fields[2];
    occupied * (occupied - 1) === 0;
    occupied * (1 - isOrder) === 0;
    component storedBits = Num2Bits(32);
    storedBits.in <== occupied * storedNonce;
    component notNewer = LessEqThan(32);
    notNewer.in[0] <== occupied * storedNonce;
    notNewer.in[1] <== isOrder * fields[2];
    // An order older than the one stored in its slot was replaced: it can never fill again.
    signal replacesNewer <== isOrder * occupied;
    replacesNewer * (1 - notNewer.out) === 0;
    component sameNonce = IsEqual();
    sameNonce.in[0] <== storedNonce;
    sameNonce.in[1] <== fields[2];
    signal same <== occupied * sameNonce.out;
    signal start <== same * storedFilled;
    signal filled <== start + filledAdd;
    isOrderOut <== isOrder;
    filledOut <== filled;
    // Only an order is filled.
    (1 - isOrder) * filledAdd === 0;
    // filled < 2^53 by construction (a stored amount < 2^47 plus at most 2^5 fills of < 2^47 each),
    // so the 53-bit comparison cannot wrap.
    component withinSize = LessEqThan(53);
    withinSize.in[0] <== filled;
    withinSize.in[1] <== isOrder * fields[8];
    withinSize.out === 1;

    component oldEntry = PoseidonLean(2);
    oldEntry.inputs[0] <== storedNonce;
    oldEntry.inputs[1] <== storedFilled;
    component newEntry = PoseidonLean(2);
    newEntry.inputs[0] <== fields[2];
    newEntry.inputs[1] <== filled;
    component path = MerkleUpdate(K);
    path.oldLeaf <== occupied * oldEntry.out;
    path.newLeaf <== newEntry.out;
    for (var k = 0; k < K; k++) {
        path.bits[k] <== nonceBits.out[k];
        path.siblings[k] <== siblings[k];
    }
    // An account that never had an order fill holds ordersRoot 0 (the empty leaf is all zeros): its
    // tree is the empty one, whose root is EMPTY_ORDERS_ROOT.
    component rootZero = IsZero();
    rootZero.in <== root.out;
    signal rootEff <== root.out + rootZero.out * (EMPTY_ORDERS_ROOT - root.out);
    isOrder * (path.oldRoot - rootEff) === 0;
    signal delta <== isOrder * (path.newRoot - root.out);
    for (var i = 0; i < N; i++) rootOut[i] <== rootIn[i] + sel.sel[i] * delta;
}
