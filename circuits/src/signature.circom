pragma circom 2.1.0;

include "circomlib/circuits/babyjub.circom";
include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/comparators.circom";
include "circomlib/circuits/compconstant.circom";
include "circomlib/circuits/escalarmulany.circom";
include "circomlib/circuits/escalarmulfix.circom";
include "poseidon.circom";

// SignatureCheck(): proves, when enabled = 1, that (R8x, R8y, S) is an EdDSA-Poseidon signature of
// msg under the BabyJubjub key (Ax, Ay), with the verdict of circomlibjs `verifyPoseidon` and of the
// sequencer's verifier (sequencer/crypto/eddsa.ts): S < l, A and R8 on the curve, A of full order
// after the cofactor, and S·B8 == R8 + (8·h)·A with h = Poseidon(R8x, R8y, Ax, Ay, msg).
// With enabled = 0 nothing is checked (an unused slot).
// Built from circomlib's curve components with the project's PoseidonLean(5) instead of circomlib's
// Poseidon, which costs 2.5x more under --O1. circomlib's own verifier does not check that R8 is on
// the curve; this one does, so the addition law below is only ever applied to curve points.
// Inputs: enabled (boolean, the caller must constrain it), Ax, Ay, S, R8x, R8y, msg.
// Cost: 7,577 constraints, most of it EscalarMulAny(254) and EscalarMulFix(253) (asserted in
// test/circuits/signature.test.ts). A batch checks each signed message once, not once per fill.
template SignatureCheck() {
    signal input enabled;
    signal input Ax;
    signal input Ay;
    signal input S;
    signal input R8x;
    signal input R8y;
    signal input msg;

    // S < l, the prime subgroup order (CompConstant takes l - 1 and outputs in > constant).
    component sBits = Num2Bits(253);
    sBits.in <== S;
    component sBelowL = CompConstant(2736030358979909402780800718157159386076813972158567259200215660948447373040);
    for (var i = 0; i < 253; i++) sBelowL.in[i] <== sBits.out[i];
    sBelowL.in[253] <== 0;
    sBelowL.out * enabled === 0;

    // Both points on the curve: a·x² + y² = 1 + d·x²·y², scaled by enabled so a disabled slot of
    // zeros passes.
    component aOn = OnCurveIfEnabled();
    aOn.enabled <== enabled;
    aOn.x <== Ax;
    aOn.y <== Ay;
    component rOn = OnCurveIfEnabled();
    rOn.enabled <== enabled;
    rOn.x <== R8x;
    rOn.y <== R8y;

    component h = PoseidonLean(5);
    h.inputs[0] <== R8x;
    h.inputs[1] <== R8y;
    h.inputs[2] <== Ax;
    h.inputs[3] <== Ay;
    h.inputs[4] <== msg;
    component hBits = Num2Bits_strict();
    hBits.in <== h.out;

    // 8·A clears the cofactor; its x is 0 only for a low-order A, which would verify any message.
    component dbl1 = BabyDbl();
    dbl1.x <== Ax;
    dbl1.y <== Ay;
    component dbl2 = BabyDbl();
    dbl2.x <== dbl1.xout;
    dbl2.y <== dbl1.yout;
    component dbl3 = BabyDbl();
    dbl3.x <== dbl2.xout;
    dbl3.y <== dbl2.yout;
    component lowOrder = IsZero();
    lowOrder.in <== dbl3.xout;
    lowOrder.out * enabled === 0;

    component hA = EscalarMulAny(254);
    for (var i = 0; i < 254; i++) hA.e[i] <== hBits.out[i];
    hA.p[0] <== dbl3.xout;
    hA.p[1] <== dbl3.yout;

    component right = BabyAdd();
    right.x1 <== R8x;
    right.y1 <== R8y;
    right.x2 <== hA.out[0];
    right.y2 <== hA.out[1];

    var BASE8[2] = [
        5299619240641551281634865583518297030282874472190772894086521144482721001553,
        16950150798460657717958625567821834550301663161624707787222815936182638968203
    ];
    component left = EscalarMulFix(253, BASE8);
    for (var i = 0; i < 253; i++) left.e[i] <== sBits.out[i];

    (left.out[0] - right.xout) * enabled === 0;
    (left.out[1] - right.yout) * enabled === 0;
}

// OnCurveIfEnabled(): enabled * (a·x² + y² - 1 - d·x²·y²) == 0 on BabyJubjub (a = 168700, d = 168696).
// Inputs: enabled, x, y. Cost: 4 constraints.
template OnCurveIfEnabled() {
    signal input enabled;
    signal input x;
    signal input y;
    signal x2 <== x * x;
    signal y2 <== y * y;
    signal x2y2 <== x2 * y2;
    enabled * (168700 * x2 + y2 - 1 - 168696 * x2y2) === 0;
}
