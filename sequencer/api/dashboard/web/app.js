// The ops console: one EventSource on /dashboard/events, every panel drawn from the latest snapshot.
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { Backlog, Provers } from "./backlog.js";
import { Books } from "./books.js";
import { html } from "./format.js";
import { Header } from "./header.js";
import { Latency } from "./latency.js";
import { Pipeline } from "./pipeline.js";
import { Funds, Ledger } from "./risk.js";

/** No snapshot for this long while "connected" means the server stopped talking. */
const STALE_MS = 5_000;
/** Samples kept for the backlog chart (about 3 minutes at the server's tick). */
const HISTORY = 240;

function useSnapshots() {
  const [state, set] = useState({
    snap: undefined,
    conn: "connecting",
    lastAt: 0,
    history: [[], [], [], [], []],
  });
  useEffect(() => {
    let es;
    let reopen;
    const open = () => {
      es = new EventSource("/dashboard/events");
      es.onopen = () => set((s) => ({ ...s, conn: "live" }));
      es.addEventListener("snapshot", (ev) => {
        const snap = JSON.parse(ev.data);
        set((s) => ({ snap, conn: "live", lastAt: Date.now(), history: appendHistory(s.history, snap) }));
      });
      es.onerror = () => {
        set((s) => ({ ...s, conn: "down" }));
        // EventSource retries by itself while CONNECTING; a CLOSED one (a non-SSE answer) needs a new one.
        if (es.readyState === EventSource.CLOSED) {
          clearTimeout(reopen);
          reopen = setTimeout(open, 2_000);
        }
      };
    };
    open();
    const watchdog = setInterval(() => {
      set((s) => (s.conn === "live" && Date.now() - s.lastAt > STALE_MS ? { ...s, conn: "stale" } : s));
    }, 1_000);
    return () => {
      clearInterval(watchdog);
      clearTimeout(reopen);
      es?.close();
    };
  }, []);
  return state;
}

function appendHistory(h, snap) {
  const b = snap.backlog;
  const pending = b.proofQueue.ok
    ? b.proofQueue.value.pending.liquidation + b.proofQueue.value.pending.normal
    : null;
  const gap = Number(BigInt(snap.chain.lastSealedBatch) - BigInt(snap.chain.lastVerifiedBatch));
  const row = [snap.at / 1000, b.lanes.liquidation, b.lanes.normal, pending, gap];
  return h.map((col, i) => {
    const next = col.length >= HISTORY ? col.slice(col.length - HISTORY + 1) : col.slice();
    next.push(row[i]);
    return next;
  });
}

function App() {
  const { snap, conn, lastAt, history } = useSnapshots();
  return html`<div class=${`shell ${conn === "live" ? "" : "offline"}`}>
    <${Header} snap=${snap} conn=${conn} lastAt=${lastAt} />
    ${conn === "live" ? null : html`<div class="banner" data-testid="disconnected">Disconnected from the sequencer — retrying. Figures below are the last ones received.</div>`}
    <main class="layout">
      <div class="col-a">
        <${Pipeline} snap=${snap} />
      </div>
      <div class="col-b">
        <${Backlog} snap=${snap} history=${history} />
        <${Latency} snap=${snap} />
      </div>
      <div class="col-c">
        <${Books} snap=${snap} />
        <${Funds} snap=${snap} />
        <${Provers} snap=${snap} />
      </div>
      <div class="row-wide">
        <${Ledger} snap=${snap} />
      </div>
    </main>
  </div>`;
}

const root = document.getElementById("app");
// The boot message is plain HTML, not preact's: clear it, or render would keep it beside the app.
root.textContent = "";
render(html`<${App} />`, root);
