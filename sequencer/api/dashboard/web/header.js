import { clock, html, int, short } from "./format.js";

const CONN_LABEL = {
  live: "live",
  connecting: "connecting…",
  down: "disconnected, retrying",
  stale: "stale, retrying",
};

export function Header({ snap, conn, lastAt }) {
  const node = snap?.node;
  const chain = snap?.chain;
  const lead = node?.leadership;
  const l1 = chain?.l1;
  return html`<header class="top">
    <div class="brand">
      <span class="logo">◆</span>
      <div>
        <div class="name">zk-perps rollup</div>
        <div class="sub">operations console</div>
      </div>
    </div>
    <div class="kv role">
      <span class=${`badge role-${node?.role ?? "unknown"}`} data-testid="role">${(node?.role ?? "…").toUpperCase()}</span>
      <span>epoch <b data-testid="epoch">${node ? node.epoch : "–"}</b></span>
      <span class="dim">${lead ? `${lead.mode} · ${lead.nodeId}` : "leadership not wired"}</span>
      <span class="dim">leader <b>${lead?.leaderUrl ?? "unknown"}</b></span>
      <${Peers} peers=${node?.peers} />
    </div>
    <div class="stats">
      ${stat("sealed", chain?.lastSealedBatch, "last-sealed")}
      ${stat("proven", chain?.lastProvenBatch, "last-proven")}
      ${stat("verified", chain?.lastVerifiedBatch, "last-verified")}
      ${stat("open", chain ? `#${chain.openBatch} · ${chain.openBatchTxs} tx` : undefined, "open-batch")}
      ${stat("accounts", chain ? int(chain.accounts) : undefined)}
    </div>
    <div class="kv l1">
      ${
        l1?.ok
          ? html`<span>L1 verified <b data-testid="l1-verified">#${l1.value.lastVerifiedBatch}</b></span>
              <span class="mono" title=${l1.value.stateRoot}>root ${short(l1.value.stateRoot, 5)}</span>
              <span class="dim">block ${int(l1.value.blockNumber)}</span>`
          : html`<span class="warn">L1 ${l1 ? l1.error : "…"}</span>`
      }
      <span class="mono dim" title=${chain?.stateRoot}>L2 root ${short(chain?.stateRoot, 5)}</span>
    </div>
    <div class=${`conn conn-${conn}`} data-testid="conn" data-state=${conn}>
      <span class="dot"></span>${CONN_LABEL[conn] ?? conn}
      <span class="dim">${lastAt ? clock(lastAt) : ""}</span>
    </div>
  </header>`;
}

/** The other nodes (a standby, or the leader seen from a standby), each as its own /state says. */
function Peers({ peers }) {
  if (!peers?.ok || peers.value.length === 0) return null;
  return html`<span class="peers">
    <span class="dim">peers</span>
    ${peers.value.map((p) => {
      const role = p.role ?? "down";
      return html`<span class="peer" data-testid="peer" data-role=${role} title=${p.error ?? p.url}>
        <span class=${`badge small role-${role}`}>${role.toUpperCase()}</span>
        <span class="mono">${p.url.replace(/^https?:\/\//, "")}</span>
        ${p.epoch !== undefined ? html`<span class="dim">e${p.epoch}</span>` : null}
      </span>`;
    })}
  </span>`;
}

function stat(label, value, testid) {
  return html`<div class="stat" data-testid=${testid}>
    <div class="label">${label}</div>
    <div class="value">${value === undefined ? "–" : value}</div>
  </div>`;
}
