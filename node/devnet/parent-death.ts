import { spawnSync } from "node:child_process";

/**
 * Wraps a native program's command line so the kernel signals it when the devnet dies, a SIGKILL of the
 * devnet included: util-linux `setpriv --pdeathsig` sets PR_SET_PDEATHSIG and execs the program, so the
 * pid and the process group stay the program's own and stop() reaches it as before.
 *
 * SIGTERM by default: Anvil dumps its --state file on SIGTERM, redis-server shuts down cleanly.
 * Where setpriv is missing (macOS), the command is returned as is and `guarded` says so; the devnet logs it.
 */
export function dieWithParent(
  cmd: string,
  args: readonly string[],
  signal: NodeJS.Signals = "SIGTERM",
): { cmd: string; args: string[]; guarded: boolean } {
  if (!hasSetpriv()) return { cmd, args: [...args], guarded: false };
  return { cmd: "setpriv", args: ["--pdeathsig", signal, "--", cmd, ...args], guarded: true };
}

let setprivFound: boolean | undefined;
function hasSetpriv(): boolean {
  if (setprivFound === undefined) {
    const r = spawnSync("setpriv", ["--help"], { encoding: "utf8" });
    setprivFound = !r.error && r.status === 0 && r.stdout.includes("--pdeathsig");
  }
  return setprivFound;
}
