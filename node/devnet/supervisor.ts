/** What the supervisor needs of a running process: processes.ts's Child and anvil.ts's handle both fit. */
export interface SupervisedProcess {
  readonly pid: number | undefined;
  /** Resolves with the exit code (or signal name) when the process ends, for whatever reason. */
  readonly exited: Promise<number | string>;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface BackoffPolicy {
  /** Delay before the first restart after a crash. */
  initialMs: number;
  /** The delay doubles per crash up to this. */
  maxMs: number;
  /** A process that stayed up this long counts as healthy: its next crash starts from initialMs again. */
  resetAfterMs: number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffPolicy> = Object.freeze({
  initialMs: 250,
  maxMs: 8000,
  resetAfterMs: 30_000,
});

/** The delay before restart number `attempt` (1-based) of a crash streak. */
export function backoffDelay(attempt: number, p: BackoffPolicy): number {
  return Math.min(p.maxMs, p.initialMs * 2 ** Math.max(0, attempt - 1));
}

export interface RestartEvent {
  name: string;
  /** The crashed process's pid, exit code or signal, and how long it had been up. */
  pid: number | undefined;
  exit: number | string;
  uptimeMs: number;
  /** 1-based position in the current crash streak; the delay grows with it. */
  attempt: number;
  delayMs: number;
  /** Crash restarts so far, this one included (deliberate restarts are not counted). */
  restarts: number;
}

export interface SuperviseOptions<P extends SupervisedProcess> {
  name: string;
  /** Starts the process and resolves once it is ready; a rejection during a restart counts as a crash. */
  start: () => Promise<P>;
  /** false: watch only (report the exit, do not restart); for callers that kill children on purpose. */
  restart?: boolean;
  backoff?: Partial<BackoffPolicy>;
  /** Before each restart's delay: the place to log it. */
  onRestart?: (e: RestartEvent) => void;
  /** After a restart is up, before supervision goes on; the place for "is it still the same chain?". */
  afterRestart?: (p: P) => Promise<void>;
  /** An exit while not restarting (restart: false), or a rejection of afterRestart (supervision ends). */
  onGiveUp?: (name: string, reason: unknown) => void;
}

export interface Supervisor<P extends SupervisedProcess> {
  readonly name: string;
  /** The process running now (or the last one, while a restart is pending). */
  current(): P;
  /** Crash restarts so far. */
  restarts(): number;
  /** A deliberate restart: stop with `signal`, start again at once; not counted, no backoff. */
  restart(signal?: NodeJS.Signals): Promise<void>;
  /** Stops the process and the supervision; an exit after this is not a crash. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** Starts `o.start()` (a failure of this first start is the caller's) and restarts it when it crashes. */
export async function supervise<P extends SupervisedProcess>(o: SuperviseOptions<P>): Promise<Supervisor<P>> {
  return superviseFrom(await o.start(), o);
}

/** The same for a process that is already running (`o.start` is then for the restarts only). */
export function superviseFrom<P extends SupervisedProcess>(first: P, o: SuperviseOptions<P>): Supervisor<P> {
  const policy: BackoffPolicy = { ...DEFAULT_BACKOFF, ...o.backoff };
  let current: P | SupervisedProcess = first;
  let last = first;
  let startedAt = Date.now();
  let attempt = 0;
  let restarts = 0;
  let stopped = false;
  let paused = false;
  let wake: (() => void) | undefined;

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });

  const watch = async (): Promise<void> => {
    for (;;) {
      const proc = current;
      const exit = await proc.exited;
      if (stopped || paused) return;
      if (o.restart === false) {
        o.onGiveUp?.(o.name, exit);
        return;
      }
      const uptimeMs = Date.now() - startedAt;
      if (uptimeMs >= policy.resetAfterMs) attempt = 0;
      attempt++;
      restarts++;
      const delayMs = backoffDelay(attempt, policy);
      o.onRestart?.({ name: o.name, pid: proc.pid, exit, uptimeMs, attempt, delayMs, restarts });
      await sleep(delayMs);
      if (stopped || paused) return;
      startedAt = Date.now();
      try {
        current = last = await o.start();
      } catch (err) {
        // Not up: stands in for a process that crashed at once, so the next delay is longer.
        current = {
          pid: undefined,
          exited: Promise.resolve(`start failed: ${String(err)}`),
          stop: async () => {},
        };
        continue;
      }
      if (stopped) return void (await current.stop());
      try {
        await o.afterRestart?.(last);
      } catch (err) {
        stopped = true;
        await current.stop();
        o.onGiveUp?.(o.name, err);
        return;
      }
    }
  };
  let loop = watch();

  return {
    name: o.name,
    current: () => last,
    restarts: () => restarts,
    async restart(signal) {
      if (stopped) return;
      paused = true;
      wake?.();
      await current.stop(signal);
      await loop;
      try {
        current = last = await o.start();
      } finally {
        // On a failed start the old, stopped process is current: the watch sees a crash and backs off.
        startedAt = Date.now();
        paused = false;
        loop = watch();
      }
    },
    async stop(signal) {
      stopped = true;
      wake?.();
      await current.stop(signal);
      await loop;
    },
  };
}

/** The log line of a restart: `sequencer (pid 123) exited with SIGKILL after 4.2 s; restart 2 in 500 ms`. */
export function formatRestart(e: RestartEvent): string {
  const how = typeof e.exit === "number" ? `code ${e.exit}` : e.exit;
  return (
    `${e.name}${e.pid === undefined ? "" : ` (pid ${e.pid})`} exited with ${how} after ` +
    `${(e.uptimeMs / 1000).toFixed(1)} s; restart #${e.restarts} (attempt ${e.attempt} of this streak) in ${e.delayMs} ms`
  );
}
