// Lanes, backpressure and the proof queue, with a short history drawn by uPlot; and the prover pool.
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import { dur, html, int, Panel, Unavailable } from "./format.js";

const JOB_STATES = ["waiting", "prioritized", "active", "delayed", "failed", "completed"];

export function Backlog({ snap, history }) {
  const b = snap?.backlog;
  const adm = b?.admission;
  const pq = b?.proofQueue;
  return html`<${Panel} title="Backlog & queues" note=${b?.liquidationLane ? "liquidation lane on" : "liquidation lane off"} testid="backlog">
    <div class="tiles">
      ${tile("liquidation lane", int(b?.lanes.liquidation), "lane-liquidation", "liq")}
      ${tile("normal lane", int(b?.lanes.normal), "lane-normal")}
      ${tile("proofs pending · liq", pq?.ok ? int(pq.value.pending.liquidation) : "–", "pending-liquidation", "liq")}
      ${tile("proofs pending · normal", pq?.ok ? int(pq.value.pending.normal) : "–", "pending-normal")}
    </div>
    ${
      adm
        ? html`<div class="admission" data-testid="admission">
            <div class="meter"><div class=${`fill ${adm.admitting ? "" : "over"}`} style=${`width:${Math.min(100, (adm.backlog / Math.max(1, adm.maxBacklog)) * 100)}%`}></div></div>
            <div class="adm-kv">
              <span>backlog <b>${adm.backlog}</b> / ${adm.maxBacklog} batches</span>
              <span>${adm.admitting ? html`<span class="ok">admitting</span>` : html`<span class="bad">shedding</span>`}</span>
              <span>target ${dur(adm.targetMs)}</span>
              <span>liq bound ${dur(adm.liquidationBoundMs)}</span>
              <span>${dur(adm.msPerBatch)}/batch · ${adm.provers} provers</span>
            </div>
          </div>`
        : html`<div class="dim small">backpressure off: no admission limit</div>`
    }
    ${
      pq && !pq.ok
        ? html`<${Unavailable} error=${pq.error} />`
        : html`<div class="jobstates">
            ${JOB_STATES.map((s) => html`<div class=${`js js-${s}`}><span>${s}</span><b>${pq ? int(pq.value.states[s] ?? 0) : "–"}</b></div>`)}
          </div>`
    }
    <${History} history=${history} />
  <//>`;
}

function tile(label, value, testid, cls = "") {
  return html`<div class=${`tile ${cls}`} data-testid=${testid}><div class="v">${value}</div><div class="l">${label}</div></div>`;
}

/** Lane depths, pending proofs and the sealed−verified gap over the last minutes (client-side samples). */
function History({ history }) {
  const el = useRef(null);
  const plot = useRef(null);
  useEffect(() => {
    const width = () => Math.max(200, (el.current?.clientWidth ?? 400) - 4);
    plot.current = new uPlot(
      {
        width: width(),
        height: 120,
        legend: { show: true, live: false },
        cursor: { show: false },
        scales: { x: { time: true } },
        axes: [
          {
            stroke: "#8b97a8",
            grid: { stroke: "#1f2833" },
            ticks: { stroke: "#1f2833" },
            font: "10px ui-monospace, monospace",
          },
          {
            stroke: "#8b97a8",
            grid: { stroke: "#1f2833" },
            ticks: { stroke: "#1f2833" },
            font: "10px ui-monospace, monospace",
            size: 36,
          },
        ],
        series: [
          {},
          { label: "liq lane", stroke: "#ff8c42", width: 1.5 },
          { label: "normal lane", stroke: "#4ea1ff", width: 1.5 },
          { label: "proofs pending", stroke: "#c792ea", width: 1.5 },
          { label: "sealed−verified", stroke: "#3ddc97", width: 1.5, fill: "rgba(61,220,151,0.08)" },
        ],
      },
      [[], [], [], [], []],
      el.current,
    );
    const ro = new ResizeObserver(() => plot.current?.setSize({ width: width(), height: 120 }));
    ro.observe(el.current);
    return () => {
      ro.disconnect();
      plot.current?.destroy();
    };
  }, []);
  useEffect(() => {
    plot.current?.setData(history);
  }, [history]);
  return html`<div class="history" ref=${el}></div>`;
}

export function Provers({ snap }) {
  const p = snap?.provers;
  const active = snap?.backlog.proofQueue.ok ? snap.backlog.proofQueue.value.states.active : undefined;
  const n = p?.ok ? p.value.length : undefined;
  return html`<${Panel} title="Prover pool" note=${p?.ok ? `${n} alive · ${active ?? 0} proving` : ""} testid="provers">
    ${
      p && !p.ok
        ? html`<${Unavailable} error=${p.error} />`
        : html`<table class="grid compact">
            <thead><tr><th>worker</th><th>addr</th><th class="r">up</th><th class="r">idle</th></tr></thead>
            <tbody>
              ${n === 0 ? html`<tr><td colspan="4" class="empty bad">no prover connected</td></tr>` : null}
              ${(p?.value ?? []).map(
                (w) => html`<tr data-testid="prover-row">
                  <td class="mono name" title=${w.name}>${w.name || "(unnamed)"}</td><td class="mono dim">${w.addr}</td>
                  <td class="r">${dur(w.ageS * 1000)}</td><td class="r">${dur(w.idleS * 1000)}</td>
                </tr>`,
              )}
            </tbody>
          </table>`
    }
  <//>`;
}
