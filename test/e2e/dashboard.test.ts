/**
 * The ops dashboard in a real browser (Debian's Chromium via playwright-core) on a real devnet (tiny
 * circuit, real Redis, Anvil, Groth16 proofs): a batch sealed after the page loaded goes to verified
 * on the page, and a liquidation shows up in its ledger, both live (no reload); a killed sequencer shows
 * as disconnected until the page reconnects by itself. Leaves screenshots in test-output/.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Browser, Page } from "playwright-core";
import { REPO_ROOT } from "../../core/repo-root.ts";
import { CHROMIUM, launchChromium } from "../../node/browser/chromium.ts";
import { ApiClient, postPrice, Trader } from "../../node/client/api-client.ts";
import { devnetUser } from "../../node/client/l1-user.ts";
import { type Devnet, startDevnet } from "../../node/devnet/devnet.ts";
import { waitFor } from "../../node/devnet/processes.ts";
import { devKey } from "../../sequencer/crypto/keys.ts";

const USDC = 1_000_000n;
const PRICE = 60_000_000n;
const OUT = join(REPO_ROOT, "test-output");

describe("dashboard in Chromium (tiny circuit, real devnet)", { timeout: 240_000 }, () => {
  let devnet: Devnet;
  let dir: string;
  let browser: Browser;
  let page: Page;
  let api: ApiClient;
  let keeper: ReturnType<typeof devKey>;
  let alice: Trader;
  let bob: Trader;
  let carol: Trader;

  before(async () => {
    // Fail, not skip: CI installs it, and a silently skipped browser test tests nothing.
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: install it with apt-get install -y chromium`);
    dir = mkdtempSync(join(tmpdir(), "zk-perps-dash-"));
    devnet = await startDevnet({
      instance: "tiny",
      dir,
      redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
      provers: 1,
      keeper: false,
      batchMaxWaitMs: 300,
      echo: false,
      onProgress: () => {},
      sequencerEnv: { L1_POLL_MS: "200", PRICE_BATCH_WAIT_MS: "300", LOG_LEVEL: "warn" },
      proverEnv: { LOG_LEVEL: "warn" },
    });
    api = new ApiClient(devnet.info.apiUrl);
    keeper = devKey(devnet.info.keeperSeed);
    await postPrice(api, keeper.prv, 0, PRICE, BigInt(Date.now()));
    await postPrice(api, keeper.prv, 1, PRICE / 2n, BigInt(Date.now()));
    const keys = ["alice", "bob", "carol"].map((n) => devKey(`dash-e2e-${n}`));
    const amounts = [100_000n * USDC, 100_000n * USDC, 1_000n * USDC];
    for (const [i, k] of keys.entries()) await devnetUser(devnet.info, i).deposit(k.pubKey, amounts[i]!);
    [alice, bob, carol] = (await Promise.all(
      keys.map((k, i) => waitFor(`trader ${i} on L2`, () => Trader.attach(api, k.prv, k.pubKey), 30_000)),
    )) as [Trader, Trader, Trader];
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  });

  after(async () => {
    await browser?.close();
    await devnet?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("shows a batch sealed after the page loaded becoming verified, without a reload", async () => {
    await page.goto(`${devnet.info.apiUrl}/dashboard`);
    await page.waitForSelector('[data-testid="conn"][data-state="live"]', { timeout: 15_000 });
    // Every stage each batch row shows, sampled in the page: the order it went through must be the pipeline's.
    await page.evaluate(() => {
      const w = window as unknown as { seen: Record<string, string[]>; loadMark: number };
      w.loadMark = 1;
      w.seen = {};
      setInterval(() => {
        for (const el of document.querySelectorAll<HTMLElement>('[data-testid="batch-row"]')) {
          const n = el.dataset.batch!;
          const list = w.seen[n] ?? [];
          w.seen[n] = list;
          if (list.at(-1) !== el.dataset.stage) list.push(el.dataset.stage!);
        }
      }, 50);
    });
    const sealedAtLoad = BigInt((await api.state()).lastSealedBatch);
    await alice.order({ marketId: 0, side: "sell", type: "limit", price: PRICE, size: 200n });
    await bob.order({ marketId: 0, side: "buy", type: "market", size: 40n });
    const n = await api.sealedUpToNow();
    assert.ok(n > sealedAtLoad, `batch ${n} was sealed after the page loaded (at ${sealedAtLoad})`);
    await page.waitForSelector(`[data-testid="batch-row"][data-batch="${n}"][data-stage="verified"]`, {
      timeout: 90_000,
    });
    assert.equal(
      await page.evaluate(() => (window as unknown as { loadMark?: number }).loadMark),
      1,
      "no reload",
    );
    const seen = await page.evaluate(
      (b) => (window as unknown as { seen: Record<string, string[]> }).seen[b],
      n.toString(),
    );
    const order = ["sealed", "proving", "proven", "verified"];
    assert.ok(seen && seen.length >= 1, "the page showed the batch's row");
    for (let i = 1; i < seen.length; i++)
      assert.ok(
        order.indexOf(seen[i]!) > order.indexOf(seen[i - 1]!),
        `stages only move forward: ${seen.join(" → ")}`,
      );
    assert.equal((await api.batch(n)).status, "verified", "the page agrees with the API");
    const verified = await page.textContent('[data-testid="last-verified"] .value');
    assert.ok(BigInt(verified ?? "0") >= n, `header's last verified (${verified}) reached ${n}`);
  });

  it("shows a liquidation in the ledger, live, with its tier", async () => {
    assert.equal(await page.locator('[data-testid="liq-row"]').count(), 0, "no liquidation before the shock");
    await alice.order({ marketId: 0, side: "buy", type: "limit", price: (PRICE * 97n) / 100n, size: 50n });
    await carol.order({ marketId: 0, side: "buy", type: "limit", tif: "IOC", price: PRICE, size: 140n });
    await postPrice(api, keeper.prv, 0, (PRICE * 90n) / 100n, BigInt(Date.now()));
    const row = await page.waitForSelector(`[data-testid="liq-row"][data-account="${carol.accountId}"]`, {
      timeout: 30_000,
    });
    const tier = await row.getAttribute("data-tier");
    const rec = await waitFor("carol's ledger record", () => api.closedLiquidation(carol.accountId), 30_000);
    assert.equal(tier, rec.tier, "the page shows the engine's tier");
    assert.ok(["on-book", "vault", "adl"].includes(tier ?? ""));
    // The batch that carries it is a liquidation-priority row of the pipeline.
    await page.waitForSelector('[data-testid="batch-row"][data-priority="liquidation"]', { timeout: 30_000 });
    assert.equal(
      await page.evaluate(() => (window as unknown as { loadMark?: number }).loadMark),
      1,
      "no reload",
    );
    mkdirSync(OUT, { recursive: true });
    await page.screenshot({ path: join(OUT, "dashboard.png"), fullPage: true });
    assert.ok(existsSync(join(OUT, "dashboard.png")));
  });

  it("says 'disconnected, retrying' while the sequencer is down, and goes live again by itself", async () => {
    const restarted = devnet.restartSequencer("SIGKILL");
    await page.waitForSelector('[data-testid="conn"][data-state="down"]', { timeout: 15_000 });
    assert.match((await page.textContent('[data-testid="conn"]')) ?? "", /disconnected, retrying/);
    assert.ok(await page.isVisible('[data-testid="disconnected"]'), "the banner says the figures are old");
    await page.screenshot({ path: join(OUT, "dashboard-disconnected.png"), fullPage: true });
    await restarted;
    await page.waitForSelector('[data-testid="conn"][data-state="live"]', { timeout: 60_000 });
    assert.equal(await page.isVisible('[data-testid="disconnected"]'), false);
    assert.equal(
      await page.evaluate(() => (window as unknown as { loadMark?: number }).loadMark),
      1,
      "no reload",
    );
  });
});
