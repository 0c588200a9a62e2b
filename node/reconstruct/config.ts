import { isAddress } from "viem";
import { z } from "zod";
import { ConfigError } from "../../core/config.ts";

/** The reconstruct CLI's flags, parsed once (commander gives strings; this says which one is wrong). */
const reconstructSchema = z.object({
  rpc: z
    .string()
    .refine((s) => URL.canParse(s) && /^(https?|wss?):/.test(s), { message: "an http(s) or ws(s) URL" }),
  rollup: z
    .string()
    .refine((s) => isAddress(s, { strict: false }), { message: "a 0x-prefixed 20-byte address" }),
  instance: z.string().min(1).default("default"),
  out: z.string().min(1).optional(),
  fromBlock: z.coerce.bigint().nonnegative().default(0n),
  chunkBlocks: z.coerce.bigint().positive().default(5_000n),
});

export type ReconstructConfig = Readonly<z.infer<typeof reconstructSchema>>;

const FLAG = { fromBlock: "--from-block", chunkBlocks: "--chunk-blocks" } as Record<string, string>;

export function parseReconstructConfig(flags: Record<string, unknown>): ReconstructConfig {
  const res = reconstructSchema.safeParse(flags);
  if (!res.success) {
    const lines = res.error.issues.map((i) => {
      const key = String(i.path[0] ?? "");
      return `  ${FLAG[key] ?? `--${key}`}: ${i.message}`;
    });
    throw new ConfigError("BAD_CONFIG", `invalid flags:\n${lines.join("\n")}`, {
      details: { issues: res.error.issues },
    });
  }
  return Object.freeze(res.data);
}
