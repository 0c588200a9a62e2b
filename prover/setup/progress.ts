import cliProgress from "cli-progress";

/** One progress report: `done` of `total` units of `step` (a zkey section or a phase). */
export interface SetupProgress {
  step: string;
  done: number;
  total: number;
}

export type OnSetupProgress = (p: SetupProgress) => void;

/**
 * cli-progress bars, one per step, on stderr. Returns the callback and a `stop` to call when done.
 * cli-progress prints nothing when stderr is not a TTY, so tests and CI logs stay clean.
 */
export function progressBars(): { onProgress: OnSetupProgress; stop: () => void } {
  const multi = new cliProgress.MultiBar(
    { format: "  {step} [{bar}] {value}/{total} {percentage}%", hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    onProgress: ({ step, done, total }) => {
      let bar = bars.get(step);
      if (!bar) {
        bar = multi.create(total, 0, { step: step.padEnd(10) });
        bars.set(step, bar);
      }
      bar.setTotal(total);
      bar.update(done, { step: step.padEnd(10) });
    },
    stop: () => multi.stop(),
  };
}
