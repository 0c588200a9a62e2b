/**
 * What every role's config shares: its error, the zod pieces each schema is built from, and the one
 * parse. Each role keeps its own schema beside its wiring (node/sequencer, node/keeper, prover).
 */
import { z } from "zod";
import { BaseError } from "./errors.ts";

export class ConfigError extends BaseError {
  override name = "ConfigError";
}

export const intFromEnv = (def: number) => z.coerce.number().int().nonnegative().default(def);
export const logLevel = z
  .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
  .default("info");

export type Env = Record<string, string | undefined>;

/** Parses `env` once into a frozen object, or throws BAD_CONFIG naming every bad variable. */
export function parseConfig<T extends z.ZodTypeAny>(schema: T, env: Env, role: string): Readonly<z.infer<T>> {
  const res = schema.safeParse(env);
  if (!res.success) {
    const lines = res.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new ConfigError("BAD_CONFIG", `invalid ${role} configuration (see .env.example):\n${lines}`, {
      details: { issues: res.error.issues },
    });
  }
  return Object.freeze(res.data);
}

/** Flags override env vars; both are read here and nowhere else. */
export const withEnv = (over: Env): Env => ({ ...process.env, ...over });
