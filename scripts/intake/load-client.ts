/**
 * The intake benchmark's load client, run as a child process of bench-intake.ts so its CPU time is its
 * own (process.cpuUsage) and does not mix with the server's. It sends pre-signed bodies and counts
 * answers; it signs nothing.
 *   http: one keep-alive connection per trader pair, each pair's orders one after the other (a pair's
 *         nonces must arrive in order), all pairs at once: the closed loop an HTTP client can do.
 *   ws:   pairs spread over `connections` order-entry sockets, each keeping up to `window` items in
 *         flight (items sent in one tick go in one frame); a socket keeps a pair's orders in order.
 */

import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { Packr } from "msgpackr";
import { type ItemOutcome, OrderStream } from "../../node/client/order-stream.ts";

export interface LoadJob {
  mode: "http" | "ws";
  url: string;
  /** The presign cache file: every pair's bodies. */
  file: string;
  /** Stop sending after this long, ms (whatever is in flight is still counted). */
  maxMs: number;
  connections: number;
  window: number;
  encoding: "msgpack" | "json";
}

export interface LoadResult {
  mode: LoadJob["mode"];
  sent: number;
  accepted: number;
  refused: Record<string, number>;
  closed: number;
  wallMs: number;
  cpuMs: number;
}

type Body = Record<string, unknown>;

function postJson(agent: Agent, url: URL, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: "/orders",
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c) => {
          text += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

async function runHttp(job: LoadJob, pairs: Body[][], r: LoadResult, deadline: number): Promise<void> {
  const agent = new Agent({ keepAlive: true, maxSockets: pairs.length });
  const url = new URL(job.url);
  await Promise.all(
    pairs.map(async (orders) => {
      for (const b of orders) {
        if (performance.now() > deadline) return;
        r.sent++;
        try {
          const res = await postJson(agent, url, JSON.stringify(b));
          if (res.status === 200) r.accepted++;
          else {
            const code = String((JSON.parse(res.text) as { code?: string }).code ?? res.status);
            r.refused[code] = (r.refused[code] ?? 0) + 1;
          }
        } catch {
          r.closed++;
        }
      }
    }),
  );
  agent.destroy();
}

/** Round-major: every pair's next maker and taker order, then the next round, as a venue would see it. */
function interleave(pairs: Body[][]): Body[] {
  const out: Body[] = [];
  const len = Math.max(...pairs.map((p) => p.length));
  for (let i = 0; i < len; i += 2) for (const p of pairs) if (i < p.length) out.push(p[i]!, p[i + 1]!);
  return out;
}

async function runWs(job: LoadJob, pairs: Body[][], r: LoadResult, deadline: number): Promise<void> {
  const per = Math.ceil(pairs.length / job.connections);
  const groups = Array.from({ length: job.connections }, (_, i) =>
    interleave(pairs.slice(i * per, (i + 1) * per)),
  );
  const streams = await Promise.all(
    groups.map(() => OrderStream.connect(job.url, { encoding: job.encoding })),
  );
  const count = (o: ItemOutcome) => {
    if (o.ok) r.accepted++;
    else if ("closed" in o) r.closed++;
    else r.refused[o.error.code] = (r.refused[o.error.code] ?? 0) + 1;
  };
  await Promise.all(
    streams.map(
      (s, i) =>
        new Promise<void>((done) => {
          const items = groups[i]!;
          let next = 0;
          let inFlight = 0;
          let scheduled = false;
          const top = () => {
            scheduled = false;
            const open = performance.now() <= deadline;
            while (open && next < items.length && inFlight < job.window) {
              inFlight++;
              r.sent++;
              s.send("order", items[next++]).then(settle);
            }
            if (inFlight === 0 && (next >= items.length || !open)) done();
          };
          // Top up once per tick, so what is sent together travels together.
          const settle = (o: ItemOutcome) => {
            inFlight--;
            count(o);
            if (!scheduled) {
              scheduled = true;
              setImmediate(top);
            }
          };
          top();
        }),
    ),
  );
  await Promise.all(streams.map((s) => s.close()));
}

process.once("message", async (job: LoadJob) => {
  const pairs = new Packr({ useRecords: false }).unpack(readFileSync(job.file)) as Body[][];
  const r: LoadResult = { mode: job.mode, sent: 0, accepted: 0, refused: {}, closed: 0, wallMs: 0, cpuMs: 0 };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const deadline = t0 + job.maxMs;
  await (job.mode === "http" ? runHttp(job, pairs, r, deadline) : runWs(job, pairs, r, deadline));
  r.wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  r.cpuMs = (cpu.user + cpu.system) / 1000;
  process.send!(r, () => process.exit(0));
});
