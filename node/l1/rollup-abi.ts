import { parseAbi } from "viem";

/**
 * The Rollup's ABI (contracts/src/IRollup.sol plus `publicInputOf`), typed for viem. A unit test checks
 * every entry against the forge artifact, so a change to the contract that is not made here fails it.
 */
export const rollupAbi = parseAbi([
  "struct Withdrawal { uint256 accountId; address to; uint256 amount; }",
  "function deposit(uint256 pubKeyX, uint256 pubKeyY, uint256 amount)",
  "function submitBatch(uint256 batchNumber, uint256 oldStateRoot, uint256 newStateRoot, uint256 depositCount, uint256 priorityCount, Withdrawal[] withdrawals, uint256 batchTimeMs, uint256[] data, uint256[8] proof)",
  "function claim()",
  "function publicInputOf(uint256 batchNumber, uint256 oldStateRoot, uint256 newStateRoot, uint256 fromDeposit, uint256 toDeposit, Withdrawal[] withdrawals, uint256 batchTimeMs, bytes batchData) view returns (uint256)",
  "function stateRoot() view returns (uint256)",
  "function lastVerifiedBatch() view returns (uint256)",
  "function operator() view returns (address)",
  "function token() view returns (address)",
  "function verifier() view returns (address)",
  "function genesisStateRoot() view returns (uint256)",
  "function accountsDepth() view returns (uint256)",
  "function markets() view returns (uint256)",
  "function keeperPubKeyX() view returns (uint256)",
  "function keeperPubKeyY() view returns (uint256)",
  "function depositCount() view returns (uint256)",
  "function depositsConsumed() view returns (uint256)",
  "function lastBatchTimeMs() view returns (uint256)",
  "function MAX_CLOCK_SKEW_MS() view returns (uint256)",
  "function depositHashes(uint256 k) view returns (uint256)",
  "function withdrawable(address account) view returns (uint256)",
  "function dataWords() view returns (uint256)",
  "event Deposit(uint256 indexed index, uint256 pubKeyX, uint256 pubKeyY, uint256 amount, uint256 depositHash)",
  "event BatchVerified(uint256 indexed batch, uint256 newRoot)",
  "event WithdrawalQueued(uint256 indexed batch, uint256 indexed accountId, address indexed to, uint256 amount)",
  "event Claimed(address indexed to, uint256 amount)",
  "event Genesis(uint256 accountsDepth, uint256 vaultPubKeyX, uint256 vaultPubKeyY, uint256 vaultCollateral, uint256 insuranceFund, uint256[] markPrices, uint256 keeperPubKeyX, uint256 keeperPubKeyY)",
  "error BadGenesis(uint256 expected, uint256 given)",
  "error InvalidGenesisShape(uint256 accountsDepth, uint256 markets)",
  "error GenesisValueOutOfRange(uint256 value, uint256 limit)",
  "error GenesisCashNotHeld(uint256 needed, uint256 held)",
  "error NotOperator()",
  "error BatchAlreadyVerified(uint256 batch)",
  "error BatchOutOfOrder(uint256 expected, uint256 got)",
  "error StaleRoot(uint256 expected, uint256 got)",
  "error UnknownDeposits(uint256 requested, uint256 available)",
  "error NotFieldElement(uint256 value)",
  "error WithdrawalToZeroAddress(uint256 index, uint256 accountId)",
  "error InvalidProof()",
  "error BatchTimeWentBack(uint256 last, uint256 given)",
  "error BatchTimeInFuture(uint256 latest, uint256 given)",
  "error InvalidDepositAmount(uint256 amount)",
  "error InvalidPubKey(uint256 pubKeyX, uint256 pubKeyY)",
  "error PubKeyNotOnCurve(uint256 pubKeyX, uint256 pubKeyY)",
  "error NothingToClaim()",
  "error TransferFailed()",
  "error ZeroAddress()",
  // From the genesis hash (PoseidonN, PoseidonWide): only the constructor can raise them.
  "error PoseidonWidthNotBuilt(uint256 inputs)",
  "error BadPoseidonConstants(uint256 inputs, uint256 bytesGiven)",
]);

/** The MockUSDC calls the devnet and tests make (devnet-only faucet token). */
export const mockUsdcAbi = parseAbi([
  "function mint(address to, uint256 amount)",
  "function approve(address spender, uint256 amount) returns (bool)",
  "function balanceOf(address account) view returns (uint256)",
  "function decimals() view returns (uint8)",
  "error InsufficientBalance(uint256 available, uint256 needed)",
  "error InsufficientAllowance(uint256 available, uint256 needed)",
]);
