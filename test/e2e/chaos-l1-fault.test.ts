import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { dropNextTxTo } from "../../node/chaos/l1-faults.ts";
import { ANVIL_KEYS, startAnvil } from "../../node/l1/anvil.ts";
import { createL1Clients } from "../../node/l1/clients.ts";

// The chaos harness's drop-l1-tx fault on a real Anvil: the next tx to the target never lands, the
// sender's nonce is free again, and mining goes on for everything after it.
const anvil = await startAnvil();
after(() => anvil.stop());

describe("drop-l1-tx fault (real Anvil)", () => {
  it("drops the next tx to the target and leaves the chain mining", async () => {
    const to = "0x00000000000000000000000000000000000c4a05" as const;
    const { publicClient, walletClient, account } = createL1Clients({
      rpcUrl: anvil.rpcUrl,
      privateKey: ANVIL_KEYS[1],
    });
    const nonce0 = await publicClient.getTransactionCount({ address: account!.address });
    const dropping = dropNextTxTo(anvil.rpcUrl, to, 10_000);
    await new Promise((r) => setTimeout(r, 200));
    const hash = await walletClient!.sendTransaction({ account: account!, to, value: 1n, chain: null });
    assert.equal(await dropping, hash);
    await assert.rejects(publicClient.getTransactionReceipt({ hash }), /not be found|not found/i);
    assert.equal(await publicClient.getTransactionCount({ address: account!.address }), nonce0);

    // Automine is back: a resend lands at once.
    const again = await walletClient!.sendTransaction({ account: account!, to, value: 1n, chain: null });
    const r = await publicClient.waitForTransactionReceipt({ hash: again, timeout: 5_000 });
    assert.equal(r.status, "success");
  });

  it("fails with a typed error when nothing is sent, and still resumes mining", async () => {
    await assert.rejects(dropNextTxTo(anvil.rpcUrl, "0x0000000000000000000000000000000000000001", 300), {
      code: "L1_NO_TX",
    });
    const { publicClient, walletClient, account } = createL1Clients({
      rpcUrl: anvil.rpcUrl,
      privateKey: ANVIL_KEYS[2],
    });
    const h = await walletClient!.sendTransaction({
      account: account!,
      to: "0x00000000000000000000000000000000000c4a06",
      value: 1n,
      chain: null,
    });
    assert.equal(
      (await publicClient.waitForTransactionReceipt({ hash: h, timeout: 5_000 })).status,
      "success",
    );
  });
});
