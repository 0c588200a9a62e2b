// Static checks of deploy/ (nothing there can run on this machine: no Docker engine, no cluster). They
// hold the manifests to the code: env names against the real zod schemas, entry points against the
// repo, the scaling metric against the sequencer's registry, names that must agree across files.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, it } from "node:test";
import { parse, parseAllDocuments } from "yaml";
import type { z } from "zod";
import { REPO_ROOT } from "../../../core/repo-root.ts";
import { SEQUENCER_ENV_FILE } from "../../../node/devnet/deploy-l1.ts";
import { deployL1Schema } from "../../../node/devnet/deploy-l1-config.ts";
import { keeperSchema } from "../../../node/keeper/config.ts";
import { DEV_ROLES, devAccountKey } from "../../../node/l1/dev-accounts.ts";
import { sequencerSchema } from "../../../node/sequencer/config.ts";
import { createMetrics } from "../../../node/sequencer/metrics.ts";
import { proverSchema } from "../../../prover/config.ts";
import { PROVE_JOB_STATES } from "../../../prover/queue.ts";

type Obj = Record<string, unknown>;
const DEPLOY = join(REPO_ROOT, "deploy");
const K8S = join(DEPLOY, "k8s");
const COMPOSE_FILE = join(DEPLOY, "compose", "compose.yaml");

const read = (p: string) => readFileSync(p, "utf8");
const obj = (v: unknown, what: string): Obj => {
  assert.ok(v !== null && typeof v === "object" && !Array.isArray(v), `${what} is not a mapping`);
  return v as Obj;
};
const arr = (v: unknown, what: string): unknown[] => {
  assert.ok(Array.isArray(v), `${what} is not a list`);
  return v;
};
const at = (v: unknown, path: string): unknown =>
  path.split(".").reduce<unknown>((o, k) => (o as Obj | undefined)?.[k], v);

/** Every document of every k8s file, parsed; a YAML error fails here, naming the file. */
function k8sDocs(): { file: string; doc: Obj }[] {
  const out: { file: string; doc: Obj }[] = [];
  for (const f of readdirSync(K8S).filter((n) => n.endsWith(".yaml"))) {
    for (const d of parseAllDocuments(read(join(K8S, f)))) {
      assert.deepEqual(d.errors, [], `${f}: ${d.errors.map((e) => e.message).join("; ")}`);
      out.push({ file: f, doc: obj(d.toJS(), f) });
    }
  }
  return out;
}
const docs = k8sDocs();
const one = (kind: string, file?: string): Obj => {
  const found = docs.filter((d) => d.doc.kind === kind && (file === undefined || d.file === file));
  assert.equal(found.length, 1, `exactly one ${kind}${file ? ` in ${file}` : ""}`);
  return found[0]!.doc;
};

const compose = obj(parse(read(COMPOSE_FILE), { merge: true }), "compose.yaml");
const services = obj(compose.services, "services");
const service = (name: string): Obj => obj(services[name], `service ${name}`);
/** `${VAR:-default}` as compose would expand it with VAR unset. */
const expand = (v: unknown) => String(v).replace(/\$\{[A-Z_]+:-([^}]*)\}/g, "$1");
const envOf = (name: string): Record<string, string> =>
  Object.fromEntries(
    Object.entries(obj(service(name).environment ?? {}, name)).map(([k, v]) => [k, expand(v)]),
  );

/** Which schema reads the env of a process started with this entry point. */
const SCHEMA_OF_ENTRY: Record<string, z.ZodObject> = {
  "prover/main.ts": proverSchema,
  "node/sequencer/main.ts": sequencerSchema,
  "node/keeper/main.ts": keeperSchema,
  "scripts/deploy-l1.ts": deployL1Schema,
};
const entryOf = (argv: readonly unknown[]) => argv.map(String).find((a) => /\.(ts|mjs)$/.test(a));
const unknownKeys = (schema: z.ZodObject, keys: readonly string[]) =>
  keys.filter((k) => !(k in schema.shape));

describe("deploy/k8s manifests", () => {
  const deployment = one("Deployment", "prover-deployment.yaml");
  const container = obj(arr(at(deployment, "spec.template.spec.containers"), "containers")[0], "container");
  const configMap = one("ConfigMap", "configmap.yaml");

  it("parses every file, and kustomization.yaml lists only files that exist", () => {
    assert.ok(docs.length >= 7, `only ${docs.length} documents`);
    const kust = one("Kustomization");
    for (const r of arr(kust.resources, "resources"))
      assert.ok(existsSync(join(K8S, String(r))), `${r} is missing`);
    const image = arr(kust.images, "images").map((i) => obj(i, "image").name);
    assert.ok(
      image.includes(container.image),
      `kustomize does not set the Deployment's image ${container.image}`,
    );
  });

  it("gives the prover only env names prover/config.ts accepts, and values it parses", () => {
    const data = obj(configMap.data, "ConfigMap data") as Record<string, string>;
    assert.deepEqual(unknownKeys(proverSchema, Object.keys(data)), []);
    const inline = ((container.env as Obj[] | undefined) ?? []).map((e) => String(e.name));
    assert.deepEqual(unknownKeys(proverSchema, inline), []);
    const parsed = proverSchema.safeParse(data);
    assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
    const refs = arr(container.envFrom, "envFrom")
      .map((e) => at(e, "configMapRef.name"))
      .filter(Boolean);
    assert.deepEqual(refs, [at(configMap, "metadata.name")]);
  });

  it("runs the prover entry point that exists, under the image's ENTRYPOINT (args, not command)", () => {
    assert.equal(container.command, undefined, "command would replace tini");
    const entry = entryOf(arr(container.args, "args"));
    assert.equal(entry, "prover/main.ts");
    assert.ok(existsSync(join(REPO_ROOT, entry)));
    const grace = Number(at(deployment, "spec.template.spec.terminationGracePeriodSeconds"));
    assert.ok(grace >= 120, `terminationGracePeriodSeconds ${grace} is shorter than a snarkjs proof`);
    const threads = Number(obj(configMap.data, "data").NATIVE_PROVER_THREADS);
    assert.equal(String(threads), String(at(container, "resources.limits.cpu")), "threads = CPU limit");
  });

  const scaledObject = one("ScaledObject", "keda-scaledobject.yaml");
  const hpa = one("HorizontalPodAutoscaler", "hpa-external.yaml");
  const metrics = createMetrics().registry;

  it("scales the prover Deployment by name (KEDA, the redis alternative, and the HPA)", () => {
    const name = at(deployment, "metadata.name");
    for (const [what, o] of [
      ["ScaledObject", scaledObject],
      ["redis ScaledObject", one("ScaledObject", "keda-redis-alternative.yaml")],
      ["HPA", hpa],
    ] as const) {
      assert.equal(at(o, "spec.scaleTargetRef.name"), name, what);
      assert.equal(at(o, "spec.scaleTargetRef.kind"), "Deployment", what);
    }
  });

  it("queries a metric the sequencer registers, over the states that hold the backlog and the proofs in flight", () => {
    const trigger = obj(arr(at(scaledObject, "spec.triggers"), "triggers")[0], "trigger");
    assert.equal(trigger.type, "prometheus");
    const query = String(at(trigger, "metadata.query"));
    const names = [...query.matchAll(/\b(rollup_[a-z_]+)\b/g)].map((m) => m[1]!);
    assert.ok(names.length > 0, `no rollup_ metric in ${query}`);
    for (const n of names) assert.ok(metrics.getSingleMetric(n), `${n} is not registered by metrics.ts`);
    const states = /state=~"([^"]+)"/.exec(query)?.[1]?.split("|") ?? [];
    for (const s of states) assert.ok((PROVE_JOB_STATES as readonly string[]).includes(s), `state ${s}`);
    for (const s of ["prioritized", "active"]) assert.ok(states.includes(s), `the query misses ${s}`);
    assert.match(query, /^max\(/, "leader and standby report the same queue: take the max, not the sum");
  });

  it("has the HPA read the same metric and states through prometheus-adapter", () => {
    const m = obj(arr(at(hpa, "spec.metrics"), "metrics")[0], "metric");
    assert.equal(m.type, "External");
    assert.ok(metrics.getSingleMetric(String(at(m, "external.metric.name"))));
    const expr = obj(arr(at(m, "external.metric.selector.matchExpressions"), "matchExpressions")[0], "expr");
    assert.equal(expr.key, "state");
    const values = arr(expr.values, "values").map(String);
    for (const s of values) assert.ok((PROVE_JOB_STATES as readonly string[]).includes(s), `state ${s}`);
    for (const s of ["prioritized", "active"]) assert.ok(values.includes(s), `the HPA misses ${s}`);
  });

  it("points the redis alternative at this queue's BullMQ keys", () => {
    const queue = String(obj(configMap.data, "data").PROVE_QUEUE);
    const triggers = arr(at(one("ScaledObject", "keda-redis-alternative.yaml"), "spec.triggers"), "triggers");
    for (const t of triggers) assert.match(String(at(t, "metadata.listName")), new RegExp(`^bull:${queue}:`));
  });

  it("exposes the sequencer's API port for scraping", () => {
    const svc = one("Service", "sequencer-metrics-service.yaml");
    const port = obj(arr(at(svc, "spec.ports"), "ports")[0], "port");
    assert.equal(String(port.targetPort), envOf("sequencer").API_PORT);
    const ann = obj(at(svc, "metadata.annotations"), "annotations");
    assert.equal(ann["prometheus.io/scrape"], "true");
    assert.equal(ann["prometheus.io/path"], "/metrics");
    assert.equal(ann["prometheus.io/port"], String(port.targetPort));
  });
});

describe("deploy/compose/compose.yaml", () => {
  it("has the services the devnet is made of", () => {
    for (const s of [
      "redis",
      "nats",
      "anvil",
      "deploy",
      "sequencer",
      "sequencer-standby",
      "prover",
      "keeper",
    ])
      assert.ok(services[s], `no ${s} service`);
  });

  it("starts each app service with an entry that exists and env names its schema accepts", () => {
    let checked = 0;
    for (const name of Object.keys(services)) {
      const command = service(name).command;
      if (!Array.isArray(command) || command[0] !== "node") continue;
      const entry = entryOf(command);
      assert.ok(entry && existsSync(join(REPO_ROOT, entry)), `${name}: entry ${entry} does not exist`);
      const schema = SCHEMA_OF_ENTRY[entry];
      assert.ok(schema, `${name}: no schema known for ${entry}`);
      assert.deepEqual(unknownKeys(schema, Object.keys(envOf(name))), [], `${name}: unknown env names`);
      checked++;
    }
    assert.ok(checked >= 5, `only ${checked} node services`);
  });

  it("gives the sequencers an env that, with the deploy service's sequencer.env, parses", () => {
    const deployEnv = envOf("deploy");
    const command = arr(service("sequencer").command, "command").map(String);
    assert.ok(
      command.includes(`--env-file=${deployEnv.DEPLOY_OUT_DIR}/${SEQUENCER_ENV_FILE}`),
      "the sequencer reads the file the deploy service writes",
    );
    // What deploy-l1 writes (node/devnet/deploy-l1.ts sequencerEnv), with a stand-in address.
    const fileEnv = {
      L1_RPC_URL: deployEnv.L1_RPC_URL,
      ROLLUP_ADDRESS: `0x${"11".repeat(20)}`,
      CIRCUIT_INSTANCE: deployEnv.CIRCUIT_INSTANCE,
      BACKSTOP_SEED: deployEnv.BACKSTOP_SEED,
      KEEPER_SEED: deployEnv.KEEPER_SEED,
      LIQ_RESERVED_SLOTS: deployEnv.LIQ_RESERVED_SLOTS,
    };
    for (const s of ["sequencer", "sequencer-standby"]) {
      // node --env-file: the process env wins over the file.
      const parsed = sequencerSchema.safeParse({ ...fileEnv, ...envOf(s) });
      assert.ok(parsed.success, `${s}: ${JSON.stringify(parsed.error?.issues)}`);
      assert.equal(parsed.data?.REPLICATION, "jetstream");
      for (const u of String(parsed.data?.NATS_URLS).split(","))
        assert.ok(services[new URL(u).hostname], `${s}: NATS host ${u} is no service`);
      const vols = arr(service(s).volumes, "volumes").map(String);
      assert.ok(
        vols.some((v) => v.endsWith(`:${deployEnv.DEPLOY_OUT_DIR}:ro`)),
        `${s} does not mount the l1 volume`,
      );
    }
    assert.notEqual(envOf("sequencer").NODE_ID, envOf("sequencer-standby").NODE_ID);
    const deployVols = arr(service("deploy").volumes, "volumes").map(String);
    assert.ok(deployVols.includes(`l1:${deployEnv.DEPLOY_OUT_DIR}`));
  });

  it("agrees across services on the queue, the circuit, the keys and the hosts", () => {
    const [seq, prover, deploy, keeper] = ["sequencer", "prover", "deploy", "keeper"].map(envOf) as [
      Record<string, string>,
      Record<string, string>,
      Record<string, string>,
      Record<string, string>,
    ];
    for (const k of ["REDIS_URL", "PROVE_QUEUE", "CIRCUIT_INSTANCE"]) assert.equal(prover[k], seq[k], k);
    assert.equal(deploy.CIRCUIT_INSTANCE, seq.CIRCUIT_INSTANCE);
    assert.equal(deploy.OPERATOR_KEY, seq.OPERATOR_KEY);
    assert.equal(deploy.OPERATOR_KEY, devAccountKey(DEV_ROLES.operator), "Anvil's funded operator account");
    assert.equal(deploy.KEEPER_SEED, keeper.KEEPER_SEED);
    assert.ok(services[new URL(String(seq.REDIS_URL)).hostname], "REDIS_URL host is no service");
    assert.equal(new URL(deploy.L1_RPC_URL!).hostname, "anvil");
    assert.ok(arr(service("anvil").command, "anvil").map(String).includes(new URL(deploy.L1_RPC_URL!).port));
    for (const u of String(keeper.API_URL).split(",")) {
      const url = new URL(u);
      assert.ok(services[url.hostname], `keeper API host ${url.hostname} is no service`);
      assert.equal(url.port, envOf(url.hostname).API_PORT);
    }
  });

  it("orders start-up by health and completion, and every awaited service has a healthcheck", () => {
    for (const [name, s] of Object.entries(services)) {
      for (const [dep, cond] of Object.entries(obj(obj(s, name).depends_on ?? {}, name))) {
        const c = at(cond, "condition");
        assert.ok(services[dep], `${name} depends on unknown ${dep}`);
        if (c === "service_healthy") assert.ok(service(dep).healthcheck, `${dep} has no healthcheck`);
        assert.ok(
          c === "service_healthy" || c === "service_completed_successfully",
          `${name} → ${dep}: ${c}`,
        );
      }
      const test = at(s, "healthcheck.test");
      if (Array.isArray(test)) {
        const script = test.map(String).find((a) => a.endsWith(".mjs"));
        if (script) assert.ok(existsSync(join(REPO_ROOT, script)), `${name}: ${script} is missing`);
      }
    }
    assert.equal(at(service("sequencer"), "depends_on.deploy.condition"), "service_completed_successfully");
    assert.equal(service("deploy").restart, "no", "a one-shot job must not be restarted");
  });

  it("lets the prover scale: replicas set, no fixed container name, no host port", () => {
    const p = service("prover");
    assert.ok(Number(at(p, "deploy.replicas")) >= 1);
    assert.equal(p.container_name, undefined);
    assert.equal(p.ports, undefined);
  });

  it("builds the Dockerfile from the repo root", () => {
    for (const [name, s] of Object.entries(services)) {
      const b = at(s, "build") as Obj | undefined;
      if (!b) continue;
      const context = resolve(join(DEPLOY, "compose"), String(b.context));
      assert.equal(context, resolve(REPO_ROOT), `${name}: context`);
      assert.ok(existsSync(join(context, String(b.dockerfile))), `${name}: dockerfile`);
      assert.equal(
        at(s, "pull_policy"),
        "build",
        `${name}: a registry image must not replace the local build`,
      );
    }
  });
});

describe("deploy/Dockerfile", () => {
  const text = read(join(DEPLOY, "Dockerfile"));
  const lines = text.split("\n").filter((l) => !l.trimStart().startsWith("#"));
  const exec = (kw: string): string[] => {
    const l = lines.find((x) => x.startsWith(`${kw} `));
    assert.ok(l, `no ${kw}`);
    return JSON.parse(l.slice(kw.length + 1)) as string[];
  };

  it("builds on node:20-bookworm in stages", () => {
    const from = lines.filter((l) => l.startsWith("FROM "));
    assert.ok(from.length >= 2, "multi-stage");
    assert.match(from[0]!, /^FROM node:20-bookworm /);
  });

  it("runs files that exist: CMD's entry, ENTRYPOINT tini, the npm scripts it calls", () => {
    const cmd = exec("CMD");
    const entry = entryOf(cmd);
    assert.ok(entry && existsSync(join(REPO_ROOT, entry)), `CMD entry ${entry}`);
    assert.equal(exec("ENTRYPOINT")[0], "/usr/bin/tini");
    assert.match(text, /apt-get install[^\n]*\btini\b/);
    const scripts = obj(JSON.parse(read(join(REPO_ROOT, "package.json"))).scripts, "scripts");
    for (const m of text.matchAll(/npm run ([a-z:]+)/g)) assert.ok(scripts[m[1]!], `npm script ${m[1]}`);
    for (const m of text.matchAll(/^COPY (?!--from)(\S+) /gm))
      assert.ok(existsSync(join(REPO_ROOT, m[1]!)), `COPY source ${m[1]}`);
    for (const a of Object.keys(obj(at(service("prover"), "build.args") ?? {}, "args")))
      assert.match(text, new RegExp(`^ARG ${a}\\b`, "m"), `build arg ${a} is not declared`);
  });

  it("puts the platform's anvil on PATH, and the package it links exists", () => {
    assert.match(text, /@foundry-rs\/anvil-linux-\*\/bin\/anvil\)?"? \/usr\/local\/bin\/anvil/);
    const foundry = readdirSync(join(REPO_ROOT, "node_modules", "@foundry-rs"));
    assert.ok(
      foundry.some(
        (d) =>
          d.startsWith("anvil-linux-") &&
          existsSync(join(REPO_ROOT, "node_modules", "@foundry-rs", d, "bin", "anvil")),
      ),
    );
  });

  it("keeps host builds out of the context (.dockerignore)", () => {
    const ignored = read(join(REPO_ROOT, ".dockerignore"))
      .split("\n")
      .map((l) => l.trim());
    for (const p of ["node_modules", "prover/native/build", "circuits/build", ".devnet"])
      assert.ok(ignored.includes(p), `${p} is not ignored`);
  });
});
