declare module "circomlibjs";
declare module "snarkjs";
declare module "ffjavascript";
