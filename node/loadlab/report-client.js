// The load-lab report's charts. This runs in the browser: `report-html.ts` inlines it after uPlot,
// next to the report as JSON in the "lab-data" tag. Plain ES2020, no imports, no network.
// formatMs here mirrors node/loadlab/format.ts; keep the two in step.
(() => {
  const report = JSON.parse(document.getElementById("lab-data").textContent);
  const runs = report.runs;
  const RUN_COLORS = ["#1f5fbf", "#d0451b", "#2a9d3f", "#8e44ad"];
  const runColor = (i) => RUN_COLORS[i % RUN_COLORS.length];

  function sig3(x) {
    if (x === 0) return "0";
    const digits = Math.max(0, Math.min(3, 2 - Math.floor(Math.log10(Math.abs(x)))));
    return String(Number(x.toFixed(digits)));
  }
  function formatMs(ms) {
    if (ms == null || !Number.isFinite(ms)) return "—";
    const abs = Math.abs(ms);
    if (abs < 999.5) return `${sig3(ms)} ms`;
    if (abs < 59950) return `${sig3(ms / 1000)} s`;
    if (abs < 3597000) return `${sig3(ms / 60000)} min`;
    return `${sig3(ms / 3600000)} h`;
  }
  const formatSec = (s) => {
    if (s == null) return "—";
    const m = Math.floor(s / 60);
    return `${m}:${String(Math.round(s - m * 60)).padStart(2, "0")}`;
  };
  const formatPct = (p) => (p == null ? "—" : `${sig3(p)} %`);
  const formatFrac = (f) => (f == null ? "—" : `${sig3(f * 100)} %`);
  const formatNum = (n) => (n == null ? "—" : n >= 10000 ? `${sig3(n / 1000)}k` : sig3(n));

  /** A titled figure in the section `sectionId`; returns the element uPlot draws into. */
  function figure(sectionId, title, note, className) {
    const section = document.getElementById(sectionId);
    const fig = document.createElement("figure");
    if (className) fig.className = className;
    const cap = document.createElement("figcaption");
    cap.textContent = title;
    const plot = document.createElement("div");
    plot.className = "plot";
    fig.append(cap, plot);
    if (note) {
      const p = document.createElement("p");
      p.className = "note";
      p.textContent = note;
      fig.append(p);
    }
    section.append(fig);
    return plot;
  }

  function empty(el, text) {
    const p = document.createElement("p");
    p.className = "empty";
    p.textContent = text;
    el.append(p);
  }

  function draw(el, opts, data) {
    const width = Math.max(300, el.clientWidth || 600);
    return new uPlot({ width, height: 280, ...opts }, data, el);
  }

  /** Points of a CDF with x > 0 (for a log axis), ascending, one point per x. */
  function cdfTable(points) {
    const xs = [];
    const ys = [];
    for (const [x, y] of [...points].sort((a, b) => a[0] - b[0])) {
      if (!(x > 0)) continue;
      if (xs.length > 0 && xs[xs.length - 1] === x) ys[ys.length - 1] = Math.max(ys[ys.length - 1], y);
      else {
        xs.push(x);
        ys.push(y);
      }
    }
    return [xs, ys];
  }

  // Log-axis ticks at round times (1 ms, 10 ms, 1 s, 10 s, 1 min, …), not at powers of ten of ms.
  const NICE_MS = [];
  for (let e = -2; e <= 2; e++) for (const m of [1, 2, 5]) NICE_MS.push(m * 10 ** e);
  NICE_MS.push(1e3, 2e3, 5e3, 1e4, 2e4, 3e4, 6e4, 12e4, 3e5, 6e5, 12e5, 18e5, 36e5, 72e5, 18e6, 36e6);
  const MAJOR_MS = [0.01, 0.1, 1, 10, 100, 1e3, 1e4, 6e4, 6e5, 36e5, 36e6];
  function msSplits(u, _axisIdx, min, max) {
    const inRange = (xs) => xs.filter((v) => v >= min * 0.999 && v <= max * 1.001);
    const all = inRange(NICE_MS);
    return all.length * 64 <= u.width ? all : inRange(MAJOR_MS);
  }
  const msAxis = (label) => ({
    label,
    splits: msSplits,
    filter: (_u, splits) => splits,
    values: (_u, splits) => splits.map((v) => (v == null ? "" : formatMs(v))),
    size: 50,
  });
  const fracAxis = { label: "fraction ≤ x", values: (_u, splits) => splits.map(formatFrac), size: 56 };
  const logX = { x: { time: false, distr: 3, log: 10 }, y: { range: [0, 1] } };
  const timeX = {
    label: "time since start (m:ss)",
    incrs: [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400],
    values: (_u, splits) => splits.map(formatSec),
  };
  const msSeries = { value: (_u, v) => formatMs(v) };
  const noLine = () => null;

  // --- Liquidation trigger → L1-verified: one CDF per run and phase; censored samples as hollow markers.
  (() => {
    const tables = [];
    const series = [{ label: "trigger→verified", ...msSeries }];
    runs.forEach((run, i) => {
      for (const phase of ["load", "idle"]) {
        const samples = run.liquidations.samples.filter((s) => s.phase === phase);
        if (samples.length === 0) continue;
        const n = samples.length;
        const verified = samples
          .filter((s) => s.verifiedMs != null)
          .map((s) => s.verifiedMs)
          .sort((a, b) => a - b);
        const censored = samples
          .filter((s) => s.verifiedMs == null && s.censoredAtMs != null)
          .map((s) => s.censoredAtMs)
          .sort((a, b) => a - b);
        const dash = phase === "idle" ? [6, 4] : undefined;
        if (verified.length > 0) {
          tables.push(cdfTable(verified.map((ms, k) => [Math.max(ms, 0.01), (k + 1) / n])));
          series.push({
            label: `${run.label}, ${phase} (${verified.length} verified)`,
            stroke: runColor(i),
            width: phase === "load" ? 2.5 : 1.5,
            dash,
            value: (_u, v) => formatFrac(v),
          });
        }
        if (censored.length > 0) {
          // Stacked above the verified ones: each is a lower bound, its real time lies to the right.
          tables.push(cdfTable(censored.map((ms, k) => [ms, (verified.length + k + 1) / n])));
          series.push({
            label: `${run.label}, ${phase}: ${censored.length} censored (≥ x)`,
            stroke: runColor(i),
            paths: noLine,
            points: { show: true, size: 10, width: 2, fill: "#fff", stroke: runColor(i) },
            value: (_u, v) => formatFrac(v),
          });
        }
      }
    });
    const el = figure(
      "chart-liq",
      "Liquidation trigger → L1-verified, CDF (solid: under load, dashed: idle)",
      "Each curve is over all of that phase's samples, so it stops short of 100 % when some were not " +
        "verified. Hollow markers are censored samples: not verified when the lab stopped waiting; their " +
        "x is how long it waited, a lower bound on the real time.",
      "cdf",
    );
    if (tables.length === 0) return empty(el, "No liquidation samples.");
    draw(
      el,
      {
        height: 400,
        scales: logX,
        legend: { live: false },
        axes: [msAxis("trigger → verified"), fracAxis],
        series,
      },
      uPlot.join(tables),
    );
  })();

  // --- Latency CDFs, received → each stage, per lane: one chart per stage.
  (() => {
    const stages = [];
    for (const run of runs) for (const s of run.stages) if (!stages.includes(s.stage)) stages.push(s.stage);
    if (stages.length === 0) return empty(document.getElementById("chart-stages"), "No stage latencies.");
    for (const stage of stages) {
      const tables = [];
      const series = [{ label: "latency", ...msSeries }];
      runs.forEach((run, i) => {
        for (const s of run.stages) {
          if (s.stage !== stage) continue;
          const t = cdfTable(s.cdf);
          if (t[0].length === 0) continue;
          tables.push(t);
          series.push({
            label: `${run.label}, ${s.lane}`,
            stroke: runColor(i),
            width: s.lane === "liquidation" ? 2.5 : 1.5,
            dash: s.lane === "normal" ? [6, 4] : undefined,
            value: (_u, v) => formatFrac(v),
          });
        }
      });
      const el = figure("chart-stages", `received → ${stage}`, null, "cdf");
      if (tables.length === 0) {
        empty(el, "No data.");
        continue;
      }
      draw(
        el,
        {
          height: 220,
          scales: logX,
          legend: { live: false },
          axes: [msAxis(`received → ${stage}`), fracAxis],
          series,
        },
        uPlot.join(tables),
      );
    }
  })();

  // --- One value per second per run, runs overlaid.
  function overlay(sectionId, title, note, pick, fmt, yLabel) {
    const el = figure(sectionId, title, note);
    const tables = [];
    const series = [{ label: "t", value: (_u, v) => formatSec(v) }];
    runs.forEach((run, i) => {
      if (run.series.t.length === 0) return;
      tables.push([run.series.t, pick(run)]);
      series.push({ label: run.label, stroke: runColor(i), width: 2, value: (_u, v) => fmt(v) });
    });
    if (tables.length === 0) return empty(el, "No series.");
    draw(
      el,
      {
        scales: { x: { time: false }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.05)] } },
        axes: [timeX, { label: yLabel, values: (_u, splits) => splits.map(fmt), size: 60 }],
        series,
      },
      uPlot.join(tables),
    );
  }

  overlay(
    "chart-backlog",
    "Unproven backlog (batches sealed or pending, not proven)",
    null,
    (r) => r.series.backlog,
    formatNum,
    "batches",
  );
  overlay(
    "chart-backlog",
    "Proof-queue depth (batches sealed, not proven)",
    null,
    (r) => r.series.queueDepth,
    formatNum,
    "batches",
  );

  // --- Throughput: one chart per run, on one y range so they compare.
  (() => {
    const METRICS = [
      ["sent", "#777"],
      ["acked", "#1f5fbf"],
      ["proven", "#2a9d3f"],
      ["verified", "#8e44ad"],
    ];
    let max = 1;
    for (const run of runs) for (const [m] of METRICS) for (const v of run.series[m]) if (v > max) max = v;
    if (runs.length === 0) return empty(document.getElementById("chart-throughput"), "No runs.");
    for (const run of runs) {
      const el = figure(
        "chart-throughput",
        `${run.label}: requests sent and acked, normal txs proven and verified, per second`,
      );
      if (run.series.t.length === 0) {
        empty(el, "No series.");
        continue;
      }
      draw(
        el,
        {
          scales: { x: { time: false }, y: { range: [0, max * 1.05] } },
          axes: [timeX, { label: "per second", values: (_u, splits) => splits.map(formatNum), size: 60 }],
          series: [
            { label: "t", value: (_u, v) => formatSec(v) },
            ...METRICS.map(([m, color]) => ({
              label: m,
              stroke: color,
              width: m === "sent" ? 1.5 : 2,
              dash: m === "sent" ? [4, 3] : undefined,
              value: (_u, v) => formatNum(v),
            })),
          ],
        },
        [run.series.t, ...METRICS.map(([m]) => run.series[m])],
      );
    }
  })();

  // --- Shed rate: OVERLOADED ÷ sent, per second.
  (() => {
    const el = figure("chart-backlog", "Shed rate: 503 OVERLOADED ÷ sent, per second");
    const tables = [];
    const series = [{ label: "t", value: (_u, v) => formatSec(v) }];
    runs.forEach((run, i) => {
      const s = run.series;
      if (s.t.length === 0) return;
      tables.push([s.t, s.t.map((_t, k) => (s.sent[k] > 0 ? (100 * (s.shed[k] ?? 0)) / s.sent[k] : null))]);
      series.push({
        label: `${run.label} (total ${formatPct(run.requests.shedPct)})`,
        stroke: runColor(i),
        width: 2,
        value: (_u, v) => formatPct(v),
      });
    });
    if (tables.length === 0) return empty(el, "No series.");
    draw(
      el,
      {
        scales: { x: { time: false }, y: { range: [0, 100] } },
        axes: [timeX, { label: "shed", values: (_u, splits) => splits.map(formatPct), size: 56 }],
        series,
      },
      uPlot.join(tables),
    );
  })();
})();
