/**
 * Preloaded into every devnet child (`node --import tsx --import <this> entry.ts`, see processes.ts).
 *
 * The devnet hands the child the read end of a pipe on the fd named by DEVNET_PARENT_FD and never writes
 * to it. The kernel closes the write end when the devnet dies, however it dies (a SIGKILL included), and
 * the read end then sees EOF. The child takes its process group down with it: an orphaned sequencer would
 * hold the API port and keep submitting to L1 for a devnet nobody runs, an orphaned prover would keep
 * taking jobs.
 *
 * Plain JavaScript, not TypeScript: --import applies to every worker thread and every process the child
 * forks (BullMQ's sandboxed processor, snarkjs' curve workers inherit execArgv), and a .ts preload fails
 * to load where tsx's hooks are not yet registered, which killed snarkjs' workers silently. For the same
 * reason it does nothing outside a main thread, and it deletes the variable at once, so a forked process
 * does not mistake its own fd 3 (BullMQ's IPC channel) for the pipe.
 *
 * The one module besides the config parsers that reads process.env: it runs before any config exists.
 * The variable's name and the fd are shared with processes.ts through parent-pipe.ts (a test checks).
 */
import { Socket } from "node:net";
import { isMainThread } from "node:worker_threads";

const PARENT_FD_ENV = "DEVNET_PARENT_FD";
/** How long the child's own SIGTERM handler gets (the sequencer closes its log) before the group is killed. */
const GRACE_MS = 3000;

if (isMainThread) {
  const fd = Number(process.env[PARENT_FD_ENV]);
  delete process.env[PARENT_FD_ENV];
  if (Number.isInteger(fd) && fd > 2) watchParent(fd);
}

/** @param {number} fd */
function watchParent(fd) {
  const pipe = new Socket({ fd, readable: true, writable: false });
  let dying = false;
  const die = () => {
    if (dying) return;
    dying = true;
    signalGroup("SIGTERM");
    // Unref'd: if the SIGTERM handler exits cleanly this never runs; if it hangs, it is the backstop.
    setTimeout(() => {
      signalGroup("SIGKILL");
      process.exit(1);
    }, GRACE_MS).unref();
  };
  pipe.on("data", () => {});
  pipe.once("end", die);
  pipe.once("close", die);
  pipe.once("error", die);
  pipe.resume();
  // The pipe must not keep an otherwise finished child alive.
  pipe.unref();
}

/**
 * The child was spawned detached, so it leads its group; -pid reaches it and what it forked.
 * @param {NodeJS.Signals} signal
 */
function signalGroup(signal) {
  try {
    process.kill(-process.pid, signal);
  } catch {
    process.kill(process.pid, signal);
  }
}
