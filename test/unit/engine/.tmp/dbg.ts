import fc from "fast-check";
import { __run, __step } from "./props-copy.ts";
const [steps] = fc.sample(fc.array(__step, { minLength: 60, maxLength: 60 }), { numRuns: 1, seed: 7 });
for (const l of __run(steps!)) if (l.tx.kind === "order" || l.tx.kind === "price"|| l.tx.kind === "cancel") console.log(JSON.stringify(l.tx, (_, v) => typeof v === "bigint" ? Number(v) : v), l.outcome);
