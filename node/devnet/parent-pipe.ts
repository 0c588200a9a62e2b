/**
 * The contract between processes.ts (which spawns a devnet child with a pipe it holds) and
 * parent-watch.mjs (which the child preloads and which exits on the pipe's EOF). Its own file so that
 * importing it runs neither side.
 */

/** Names the child's fd that carries the parent pipe; absent means "not a devnet child". */
export const PARENT_FD_ENV = "DEVNET_PARENT_FD";
/** stdio index 3, the first after stdin, stdout and stderr. */
export const PARENT_FD = 3;
