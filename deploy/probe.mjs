// Container healthchecks for deploy/compose/compose.yaml, in plain JS (no tsx start-up per probe):
//   node deploy/probe.mjs http URL   exit 0 when GET URL answers 2xx (the sequencer's /health)
//   node deploy/probe.mjs rpc URL    exit 0 when URL answers eth_chainId (Anvil)
// Any failure or a 3 s timeout exits 1, with the reason on stderr for `docker inspect`.
const [kind, url] = process.argv.slice(2);
const signal = AbortSignal.timeout(3000);
const requests = {
  http: () => fetch(url, { signal }),
  rpc: () =>
    fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
      signal,
    }),
};
if (!url || !(kind in requests)) {
  console.error("usage: node deploy/probe.mjs http|rpc URL");
  process.exit(2);
}
try {
  const res = await requests[kind]();
  if (!res.ok) throw new Error(`HTTP ${res.status}`);
  if (kind === "rpc" && (await res.json()).result === undefined) throw new Error("no eth_chainId result");
  process.exit(0);
} catch (err) {
  console.error(`probe ${kind} ${url}: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
