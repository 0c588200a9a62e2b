declare module "circomlibjs";
declare module "snarkjs";
declare module "ffjavascript";
declare module "wasmbuilder";
declare module "wasmcurves";
