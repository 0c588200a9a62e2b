pragma circom 2.1.0;

include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "margin.circom";
include "select.circom";
include "trade.circom";

// Op(N, M, S, ND, NW, IMF, MMF, PENALTY_BPS, LIQ_BAND_BPS): one proven transaction of docs/PROOF.md, applied to the
// batch's account table. Every state change it makes is computed here from the op and the rules;
// none is an input. Kinds (kind[k] one-hot, all zero = no-op):
//   0 deposit      A gets the next L1 deposit; A has its key or is empty and gets it
//   1 withdrawal   A's signed withdrawal (message msgA): nonce above A's, paid to the signed address ≠ 0
//   2 transfer     A's signed transfer to B: B has A's key or is empty (then the signed `to` is unset)
//   3 fill         A's order (msgA, taker) against B's (msgB, maker): t lots for A at price
//   4 liq-book     A below maintenance, reduced against B's signed order (msgB), within LIQ_BAND_BPS of
//                  the mark on A's side (the operator's own maker order cannot take a liquidated
//                  account's equity at any price)
//   5 liq-vault    A below maintenance, reduced against the vault (B = account 0) at the mark
//   6 liq-adl      A below maintenance, reduced at its bankruptcy price against B, which only reduces
//   7 penalty      A pays `amount` to the insurance fund, within the penalty cap of what it had closed
//   8 cover        A's negative collateral back to 0 from the fund (`amount`) and the vault B (`feeB`)
// Row layout (R = 5 + 3M + 2): the leaf fields [keyX, keyY, nonce, collateral, ordersRoot,
// (size, entry, snapshot) x M], then this batch's liquidation notional and penalties paid.
// Inputs: the table rows[N][R] and index[N], the messages' fields msg[S][11], mark[M], F[M], the
// pools and open interest, the deposit/withdrawal slot counters and their slots, and the op.
// Outputs: the table, pools, OI and counters after the op, and fillA[S]/fillB[S]: the lots this op
// fills of each message (an order), summed by the batch into each MessageSlot's filledAdd.
// Cost: ~5.9k constraints at N = 4, S = 4, M = 2 (three MarginChecks and two ApplyTrades are most of
// it); test/circuits/batch2.test.ts asserts the batch total.
// NOTE: marks and funding indexes are constant within a batch (the price slots run first), which is
// what lets funding be settled when the table is loaded.
template Op(N, M, S, ND, NW, IMF, MMF, PENALTY_BPS, LIQ_BAND_BPS) {
    var L = 5 + 3 * M;
    var R = L + 2;
    var LIQN = L;
    var PEN = L + 1;

    signal input rows[N][R];
    signal input index[N];
    signal input msg[S][11];
    signal input mark[M];
    signal input F[M];
    signal input fundIn;
    signal input poolIn;
    signal input oiIn[M];
    signal input depCountIn;
    signal input wdCountIn;
    signal input depX[ND];
    signal input depY[ND];
    signal input depAmount[ND];
    signal input wdAccount[NW];
    signal input wdAddress[NW];
    signal input wdAmount[NW];

    signal input kind[9];
    signal input aSlot;
    signal input bSlot;
    signal input msgA;
    signal input msgB;
    signal input market;
    signal input t;
    signal input price;
    signal input amount;
    signal input feeA;
    signal input feeB;

    signal output rowsOut[N][R];
    signal output fundOut;
    signal output poolOut;
    signal output oiOut[M];
    signal output depCountOut;
    signal output wdCountOut;
    signal output fillA[S];
    signal output fillB[S];

    // ---- kinds -------------------------------------------------------------------------------
    var active = 0;
    for (var k = 0; k < 9; k++) {
        kind[k] * (kind[k] - 1) === 0;
        active += kind[k];
    }
    active * (active - 1) === 0;
    var isDep = kind[0];
    var isWd = kind[1];
    var isTr = kind[2];
    var isFill = kind[3];
    var isBook = kind[4];
    var isVault = kind[5];
    var isAdl = kind[6];
    var isPen = kind[7];
    var isCov = kind[8];
    var trades = isFill + isBook + isVault + isAdl;
    var liq = isBook + isVault + isAdl;
    var usesB = isTr + trades + isCov;
    var signedA = isWd + isTr + isFill;
    var makerB = isFill + isBook;
    var nonceOp = isWd + isTr;

    // ---- operands: numbers in range, zero where the kind does not use them --------------------
    component amountBits = Num2Bits(80);
    amountBits.in <== amount;
    component feeABits = Num2Bits(80);
    feeABits.in <== feeA;
    component feeBBits = Num2Bits(80);
    feeBBits.in <== feeB;
    component priceBits = Num2Bits(40);
    priceBits.in <== price;
    // A cover's fund share travels in `amount` and its vault share in `feeB`.
    (1 - isDep - isWd - isTr - isPen - isCov) * amount === 0;
    (1 - isFill) * feeA === 0;
    (1 - makerB - isCov) * feeB === 0;
    (1 - trades) * t === 0;

    // ---- the two accounts ---------------------------------------------------------------------
    component selA = OneHot(N);
    selA.idx <== aSlot;
    selA.en <== active;
    component selB = OneHot(N);
    selB.idx <== bSlot;
    selB.en <== usesB;
    component sameSlot = IsEqual();
    sameSlot.in[0] <== aSlot;
    sameSlot.in[1] <== bSlot;
    usesB * sameSlot.out === 0;

    // B never has its nonce, orders root or liquidation columns read or written: it is the
    // counterparty, the transfer's receiver or the vault paying a cover.
    component readA[R];
    component readB[R];
    signal A[R];
    signal B[R];
    for (var f = 0; f < R; f++) {
        readA[f] = Dot(N);
        for (var i = 0; i < N; i++) {
            readA[f].sel[i] <== selA.sel[i];
            readA[f].v[i] <== rows[i][f];
        }
        A[f] <== readA[f].out;
        if (f == 2 || f == 4 || f >= L) {
            B[f] <== 0;
        } else {
            readB[f] = Dot(N);
            for (var i = 0; i < N; i++) {
                readB[f].sel[i] <== selB.sel[i];
                readB[f].v[i] <== rows[i][f];
            }
            B[f] <== readB[f].out;
        }
    }
    component idxA = Dot(N);
    component idxB = Dot(N);
    for (var i = 0; i < N; i++) {
        idxA.sel[i] <== selA.sel[i];
        idxA.v[i] <== index[i];
        idxB.sel[i] <== selB.sel[i];
        idxB.v[i] <== index[i];
    }

    // ---- the messages -------------------------------------------------------------------------
    component selMA = OneHot(S);
    selMA.idx <== msgA;
    selMA.en <== signedA;
    component selMB = OneHot(S);
    selMB.idx <== msgB;
    selMB.en <== makerB;
    // Only the fields an op reads: kind, account, nonce, market/amount, side/address/to, price, fee cap
    // for A; the maker's kind, account, market, side, price and fee cap for B.
    var USED_A[7] = [0, 1, 2, 3, 4, 7, 9];
    var USED_B[6] = [0, 1, 3, 4, 7, 9];
    component mA[11];
    component mB[11];
    for (var u = 0; u < 7; u++) {
        var f = USED_A[u];
        mA[f] = Dot(S);
        for (var j = 0; j < S; j++) {
            mA[f].sel[j] <== selMA.sel[j];
            mA[f].v[j] <== msg[j][f];
        }
    }
    for (var u = 0; u < 6; u++) {
        var f = USED_B[u];
        mB[f] = Dot(S);
        for (var j = 0; j < S; j++) {
            mB[f].sel[j] <== selMB.sel[j];
            mB[f].v[j] <== msg[j][f];
        }
    }
    // Authorization: the message is of the op's kind and names the account it is applied to.
    mA[0].out === 3 * isWd + 5 * isTr + isFill;
    mB[0].out === makerB;
    signal accA <== signedA * idxA.out;
    mA[1].out === accA;
    signal accB <== makerB * idxB.out;
    mB[1].out === accB;

    // ---- the market and the trade -------------------------------------------------------------
    component selM = OneHot(M);
    selM.idx <== market;
    selM.en <== trades;
    component posA[3];
    component posB[3];
    for (var c = 0; c < 3; c++) {
        posA[c] = Dot(M);
        posB[c] = Dot(M);
        for (var m = 0; m < M; m++) {
            posA[c].sel[m] <== selM.sel[m];
            posA[c].v[m] <== A[5 + 3 * m + c];
            posB[c].sel[m] <== selM.sel[m];
            posB[c].v[m] <== B[5 + 3 * m + c];
        }
    }
    component markM = Dot(M);
    component fM = Dot(M);
    for (var m = 0; m < M; m++) {
        markM.sel[m] <== selM.sel[m];
        markM.v[m] <== mark[m];
        fM.sel[m] <== selM.sel[m];
        fM.v[m] <== F[m];
    }
    // Both parties settled their funding in the market (at load): a stale snapshot would make cash.
    posA[2].out === fM.out;
    posB[2].out === fM.out;

    component tZero = IsZero();
    tZero.in <== t;
    trades * tZero.out === 0;

    component tradeA = ApplyTrade();
    tradeA.size <== posA[0].out;
    tradeA.entry <== posA[1].out;
    tradeA.t <== t;
    tradeA.price <== price;
    component tradeB = ApplyTrade();
    tradeB.size <== posB[0].out;
    tradeB.entry <== posB[1].out;
    tradeB.t <== -t;
    tradeB.price <== price;
    signal buysA <== trades * (1 - tradeA.tNeg);

    // Sides and markets of the orders: the taker's side is A's direction, the maker's the other.
    isFill * (mA[3].out - market) === 0;
    makerB * (mB[3].out - market) === 0;
    isFill * (mA[4].out - (1 - buysA)) === 0;
    makerB * (mB[4].out - buysA) === 0;

    // Limits: a buy at or below its price (price 0: a market buy without a limit), a sell at or above.
    component aAbove = LessThan(40);
    aAbove.in[0] <== mA[7].out;
    aAbove.in[1] <== price;
    component aBelow = LessThan(40);
    aBelow.in[0] <== price;
    aBelow.in[1] <== mA[7].out;
    component aNoLimit = IsZero();
    aNoLimit.in <== mA[7].out;
    signal aBuyBad <== buysA * aAbove.out;
    signal aSellBad <== (trades - buysA) * aBelow.out;
    signal aBuyLimited <== aBuyBad * (1 - aNoLimit.out);
    isFill * (aBuyLimited + aSellBad) === 0;
    component bAbove = LessThan(40);
    bAbove.in[0] <== mB[7].out;
    bAbove.in[1] <== price;
    component bBelow = LessThan(40);
    bBelow.in[0] <== price;
    bBelow.in[1] <== mB[7].out;
    component bNoLimit = IsZero();
    bNoLimit.in <== mB[7].out;
    // B buys when A sells.
    signal bBuyBad <== (trades - buysA) * bAbove.out;
    signal bSellBad <== buysA * bBelow.out;
    signal bBuyLimited <== bBuyBad * (1 - bNoLimit.out);
    makerB * (bBuyLimited + bSellBad) === 0;

    // Fee caps: fee · 10000 <= maxFeeBps · |t| · price.
    signal notional <== tradeA.tAbs * price;
    signal capA <== mA[9].out * notional;
    signal capB <== mB[9].out * notional;
    component feeAOk = LessEqThan(102);
    feeAOk.in[0] <== feeA * 10000;
    feeAOk.in[1] <== capA;
    feeAOk.out === 1;
    // feeB is the maker's fee only in a fill or a book liquidation (a cover carries its vault share there).
    signal makerFee <== makerB * feeB;
    component feeBOk = LessEqThan(102);
    feeBOk.in[0] <== makerFee * 10000;
    feeBOk.in[1] <== capB;
    feeBOk.out === 1;

    // How much of each order this op fills.
    signal filledByA <== isFill * tradeA.tAbs;
    for (var j = 0; j < S; j++) {
        fillA[j] <== selMA.sel[j] * filledByA;
        fillB[j] <== selMB.sel[j] * tradeA.tAbs;
    }

    // ---- liquidation --------------------------------------------------------------------------
    component mmA = MarginCheck(M, MMF);
    mmA.collateral <== A[3];
    for (var m = 0; m < M; m++) {
        mmA.size[m] <== A[5 + 3 * m];
        mmA.entry[m] <== A[6 + 3 * m];
        mmA.snap[m] <== A[7 + 3 * m];
        mmA.mark[m] <== mark[m];
        mmA.F[m] <== F[m];
    }
    // Only an account below maintenance is reduced without its signature, and never grown or flipped.
    liq * mmA.ok === 0;
    liq * tradeA.opened === 0;
    // On the book, the liquidated account trades no worse than LIQ_BAND_BPS from the mark: selling,
    // mark·(10000 − band) <= price·10000; buying, price·10000 <= mark·(10000 + band). One comparison
    // serves both: its sides are picked by the direction (both 0 for any other kind).
    signal bookBuys <== isBook * (1 - tradeA.tNeg);
    signal bookSellsA <== isBook - bookBuys;
    signal sellMark <== bookSellsA * markM.out;
    signal sellPrice <== bookSellsA * price;
    signal buyMark <== bookBuys * markM.out;
    signal buyPrice <== bookBuys * price;
    component bandOk = LessEqThan(60);
    bandOk.in[0] <== sellMark * (10000 - LIQ_BAND_BPS) + buyPrice * 10000;
    bandOk.in[1] <== sellPrice * 10000 + buyMark * (10000 + LIQ_BAND_BPS);
    bandOk.out === 1;
    // The vault takes over at the mark.
    isVault * idxB.out === 0;
    isVault * (price - markM.out) === 0;
    // ADL at the bankruptcy price: closing the whole position there leaves equity in (-|size|, 0].
    signal gap <== posA[0].out * (price - markM.out);
    signal residual <== mmA.equity + gap;
    component notGain = SignBit(116);
    notGain.x <== -residual;
    component aboveFloor = SignBit(116);
    aboveFloor.x <== residual + tradeA.sizeAbs - 1;
    isAdl * (1 - notGain.nonNeg) === 0;
    isAdl * (1 - aboveFloor.nonNeg) === 0;
    isAdl * tradeB.opened === 0;

    signal liqNotional <== (isBook + isVault) * notional;
    signal penAmount <== isPen * amount;
    signal penLhs <== isPen * (A[PEN] + amount);
    signal penRhs <== isPen * A[LIQN];
    component penOk = LessEqThan(110);
    penOk.in[0] <== penLhs * 10000;
    penOk.in[1] <== penRhs * PENALTY_BPS;
    penOk.out === 1;

    component covNonNeg = SignBit(100);
    covNonNeg.x <== A[3];
    isCov * covNonNeg.nonNeg === 0;
    isCov * (amount + feeB + A[3]) === 0;
    isCov * idxB.out === 0;

    // ---- deposits, withdrawals, transfers ----------------------------------------------------
    component selD = OneHot(ND);
    selD.idx <== depCountIn;
    selD.en <== isDep;
    component dX = Dot(ND);
    component dY = Dot(ND);
    component dAmt = Dot(ND);
    for (var k = 0; k < ND; k++) {
        dX.sel[k] <== selD.sel[k];
        dX.v[k] <== depX[k];
        dY.sel[k] <== selD.sel[k];
        dY.v[k] <== depY[k];
        dAmt.sel[k] <== selD.sel[k];
        dAmt.v[k] <== depAmount[k];
    }
    signal depAmt <== isDep * amount;
    dAmt.out === depAmt;
    depCountOut <== depCountIn + isDep;

    // The key rule: a key is only set on an empty leaf (X = 0) and never changed.
    component aEmpty = IsZero();
    aEmpty.in <== A[0];
    component bEmpty = IsZero();
    bEmpty.in <== B[0];
    signal aKeyed <== isDep * (1 - aEmpty.out);
    aKeyed * (A[0] - dX.out) === 0;
    aKeyed * (A[1] - dY.out) === 0;
    signal bKeyed <== isTr * (1 - bEmpty.out);
    bKeyed * (B[0] - A[0]) === 0;
    bKeyed * (B[1] - A[1]) === 0;
    // A transfer pays the signed `to` (f4 = to + 1), or, with none signed, opens an empty leaf.
    component noTo = IsZero();
    noTo.in <== mA[4].out;
    signal trTo <== isTr * (1 - noTo.out);
    trTo * (idxB.out - mA[4].out + 1) === 0;
    signal trOpen <== isTr * noTo.out;
    trOpen * (1 - bEmpty.out) === 0;

    // Nonces of withdrawals and transfers only go up.
    signal nonceOld <== nonceOp * A[2];
    signal nonceNew <== nonceOp * mA[2].out;
    component nonceUp = LessThan(32);
    nonceUp.in[0] <== nonceOld;
    nonceUp.in[1] <== nonceNew;
    nonceUp.out === nonceOp;
    nonceOp * (amount - mA[3].out) === 0;
    component amountZero = IsZero();
    amountZero.in <== amount;
    nonceOp * amountZero.out === 0;

    component selW = OneHot(NW);
    selW.idx <== wdCountIn;
    selW.en <== isWd;
    component wAcc = Dot(NW);
    component wAddr = Dot(NW);
    component wAmt = Dot(NW);
    for (var k = 0; k < NW; k++) {
        wAcc.sel[k] <== selW.sel[k];
        wAcc.v[k] <== wdAccount[k];
        wAddr.sel[k] <== selW.sel[k];
        wAddr.v[k] <== wdAddress[k];
        wAmt.sel[k] <== selW.sel[k];
        wAmt.v[k] <== wdAmount[k];
    }
    signal wdId <== isWd * idxA.out;
    wAcc.out === wdId;
    signal wdTo <== isWd * mA[4].out;
    wAddr.out === wdTo;
    signal wdAmt <== isWd * amount;
    wAmt.out === wdAmt;
    component addrZero = IsZero();
    addrZero.in <== mA[4].out;
    isWd * addrZero.out === 0;
    wdCountOut <== wdCountIn + isWd;

    // ---- the new rows -------------------------------------------------------------------------
    signal cashOut <== (isWd + isTr + isPen) * amount;
    signal takerFee <== isFill * feeA;
    signal coverA <== isCov * A[3];
    signal coverVault <== isCov * feeB;
    signal coverFund <== isCov * amount;
    signal trIn <== isTr * amount;

    signal nA[R];
    signal nB[R];
    signal keyAX <== isDep * (dX.out - A[0]);
    signal keyAY <== isDep * (dY.out - A[1]);
    nA[0] <== A[0] + keyAX;
    nA[1] <== A[1] + keyAY;
    signal nonceStep <== nonceOp * (mA[2].out - A[2]);
    nA[2] <== A[2] + nonceStep;
    nA[3] <== A[3] + depAmt - cashOut - takerFee - coverA + tradeA.realised;
    nA[4] <== A[4];
    signal keyBX <== isTr * (A[0] - B[0]);
    signal keyBY <== isTr * (A[1] - B[1]);
    nB[0] <== B[0] + keyBX;
    nB[1] <== B[1] + keyBY;
    nB[2] <== B[2];
    nB[3] <== B[3] + trIn - makerFee - coverVault + tradeB.realised;
    nB[4] <== B[4];
    signal dSizeA[M];
    signal dEntryA[M];
    signal dSizeB[M];
    signal dEntryB[M];
    for (var m = 0; m < M; m++) {
        dSizeA[m] <== selM.sel[m] * (tradeA.newSize - posA[0].out);
        dEntryA[m] <== selM.sel[m] * (tradeA.newEntry - posA[1].out);
        dSizeB[m] <== selM.sel[m] * (tradeB.newSize - posB[0].out);
        dEntryB[m] <== selM.sel[m] * (tradeB.newEntry - posB[1].out);
        nA[5 + 3 * m] <== A[5 + 3 * m] + dSizeA[m];
        nA[6 + 3 * m] <== A[6 + 3 * m] + dEntryA[m];
        nA[7 + 3 * m] <== A[7 + 3 * m];
        nB[5 + 3 * m] <== B[5 + 3 * m] + dSizeB[m];
        nB[6 + 3 * m] <== B[6 + 3 * m] + dEntryB[m];
        nB[7 + 3 * m] <== B[7 + 3 * m];
    }
    nA[LIQN] <== A[LIQN] + liqNotional;
    nA[PEN] <== A[PEN] + penAmount;
    nB[LIQN] <== B[LIQN];
    nB[PEN] <== B[PEN];

    // ---- initial margin where risk grew (StarkEx's rule) --------------------------------------
    component imA = MarginCheck(M, IMF);
    component imB = MarginCheck(M, IMF);
    imA.collateral <== nA[3];
    imB.collateral <== nB[3];
    for (var m = 0; m < M; m++) {
        imA.size[m] <== nA[5 + 3 * m];
        imA.entry[m] <== nA[6 + 3 * m];
        imA.snap[m] <== nA[7 + 3 * m];
        imA.mark[m] <== mark[m];
        imA.F[m] <== F[m];
        imB.size[m] <== nB[5 + 3 * m];
        imB.entry[m] <== nB[6 + 3 * m];
        imB.snap[m] <== nB[7 + 3 * m];
        imB.mark[m] <== mark[m];
        imB.F[m] <== F[m];
    }
    signal grewA <== isFill * tradeA.grew;
    (isWd + isTr + grewA) * (1 - imA.ok) === 0;
    signal grewB <== makerB * tradeB.grew;
    grewB * (1 - imB.ok) === 0;

    // ---- open interest: Σ long sizes ----------------------------------------------------------
    component longA = SignBit(48);
    longA.x <== tradeA.newSize;
    component longB = SignBit(48);
    longB.x <== tradeB.newSize;
    signal longOf[4];
    longOf[0] <== posA[0].out * (1 - tradeA.sizeNeg);
    longOf[1] <== tradeA.newSize * longA.nonNeg;
    longOf[2] <== posB[0].out * (1 - tradeB.sizeNeg);
    longOf[3] <== tradeB.newSize * longB.nonNeg;
    signal dOi[M];
    for (var m = 0; m < M; m++) {
        dOi[m] <== selM.sel[m] * (longOf[1] - longOf[0] + longOf[3] - longOf[2]);
        oiOut[m] <== oiIn[m] + dOi[m];
    }

    fundOut <== fundIn + penAmount - coverFund;
    poolOut <== poolIn + takerFee + makerFee;

    // ---- write back ---------------------------------------------------------------------------
    signal wA[N][R];
    signal wB[N][R];
    // Only the columns an op can change: never the orders root (the message slots move it) nor a
    // funding snapshot (settled at load); B's nonce and liquidation columns never change either.
    for (var i = 0; i < N; i++) {
        for (var f = 0; f < R; f++) {
            var snapshot = f >= 5 && f < L && (f - 5) % 3 == 2;
            if (f == 4 || snapshot) {
                rowsOut[i][f] <== rows[i][f];
            } else if (f == 2 || f >= L) {
                wA[i][f] <== selA.sel[i] * (nA[f] - A[f]);
                rowsOut[i][f] <== rows[i][f] + wA[i][f];
            } else {
                wA[i][f] <== selA.sel[i] * (nA[f] - A[f]);
                wB[i][f] <== selB.sel[i] * (nB[f] - B[f]);
                rowsOut[i][f] <== rows[i][f] + wA[i][f] + wB[i][f];
            }
        }
    }
}
