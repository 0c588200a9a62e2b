import { type OnBookPolicy, parseOnBookPolicy } from "./on-book.ts";

/**
 * On-book chunking presets. USDC amounts are micro-USDC (1 USDC = 1_000_000). Each value says where
 * it comes from and whether that source was read for this file.
 *
 * FTX — help.ftx.com/hc/en-us/articles/360027937831-Liquidations, Step 1 (read verbatim, archived copy):
 *   "Every second, for each future, with probability ⅙ … Set order size to 10% of position size;
 *   Bound order notional from below by min($1000, position size) … Multiply order size by
 *   uniform(0.5, 1.5); Bound order size from above by position size … Send order uniform(1bp, 5bp)
 *   through the book, expiring 1 second later." Our IOC stands in for the 1-second expiry.
 *
 * Backpack — what was and was not verified:
 *   VERIFIED (support.backpack.exchange/technical-docs/trading/liquidation, opening sections): a
 *   three-stage waterfall (on-book, backstop, ADL), each stage only if the previous cannot restore
 *   margin health; trigger at maintenance margin ratio 100%; open orders cancelled first; valuation
 *   at the mark; "gradual position reduction". guide.backpack.exchange (Borrow/Lend › Risks): large
 *   positions or a margin fraction below the auto-close threshold go to Backstop Liquidity Providers.
 *   NOT VERIFIED from Backpack itself: "IOC orders, 10% of position per loop, 50% probability
 *   throttle" comes from backpack-learn.pages.dev, an unofficial third-party overview. The loop
 *   period, the price band ("price protection bands" are mentioned in press coverage of a post by
 *   CEO Armani Ferrante, without values) and any minimum chunk were not found: 1 s, 1–5 bp and
 *   $1000 below are placeholders borrowed from FTX.
 *
 * Hyperliquid — hyperliquid.gitbook.io/hyperliquid-docs/trading/liquidations (read): "the positions are
 *   first attempted to be entirely closed by sending market orders to the book. The orders are for
 *   the full size of the position". Partial liquidation (same docs, as quoted by HIP-3 deployer docs
 *   and the testnet announcement): "For liquidatable positions larger than 100k USDC … only 20% of
 *   the position will be sent as a market liquidation order … cooldown period of 30 seconds. During
 *   this cooldown period, all market liquidation orders for that user will be for the entire
 *   position." Note: the cooldown is per user in Hyperliquid; the caller keeps ChunkState per account.
 */

const USDC = 1_000_000n;

export const FTX_ON_BOOK: Readonly<OnBookPolicy> = parseOnBookPolicy({
  shareBps: 1_000,
  minChunkNotional: 1_000n * USDC,
  sizeJitterBps: 5_000,
  schedule: { kind: "probability", tickMs: 1_000n, num: 1, den: 6 },
  order: { kind: "band", minBps: 1, maxBps: 5 },
});

export const BACKPACK_ON_BOOK: Readonly<OnBookPolicy> = parseOnBookPolicy({
  shareBps: 1_000, // unofficial source
  minChunkNotional: 1_000n * USDC, // placeholder (FTX)
  sizeJitterBps: 0,
  schedule: { kind: "probability", tickMs: 1_000n, num: 1, den: 2 }, // 50%: unofficial; 1 s: placeholder
  order: { kind: "band", minBps: 1, maxBps: 5 }, // placeholder (FTX)
});

export const HYPERLIQUID_ON_BOOK: Readonly<OnBookPolicy> = parseOnBookPolicy({
  shareBps: 10_000,
  minChunkNotional: 0n,
  sizeJitterBps: 0,
  schedule: { kind: "interval", intervalMs: 0n, jitterMs: 0n },
  order: { kind: "market" },
  largePosition: {
    thresholdNotional: 100_000n * USDC,
    shareBps: 2_000,
    cooldownMs: 30_000n,
    cooldownMode: "full-position",
  },
});
