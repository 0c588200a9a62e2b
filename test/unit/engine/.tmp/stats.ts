import fc from "fast-check";
import { __run, __step } from "./props-copy.ts";
const counts = new Map<string, number>();
for (const steps of fc.sample(fc.array(__step, { minLength: 20, maxLength: 100, size: "max" }), 150)) {
  for (const l of __run(steps)) {
    const key = l.tx.kind + " " + l.outcome.replace(/:[0-9,]*:/, ":").replace(/:\d+$/, (x) => (x === ":0" ? ":nofill" : ":fill"));
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
}
console.log([...counts].sort());
