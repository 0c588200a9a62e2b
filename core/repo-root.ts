import { fileURLToPath } from "node:url";

/** The repo root with a trailing slash, so every path works whatever the cwd. */
export const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));
