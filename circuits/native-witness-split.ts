/**
 * Splits circom's generated witness C++ (main_c.cpp) into units that compile in parallel. The file
 * has a fixed shape: includes and prototypes of every function and template, then the shared
 * definitions (the template function tables, the get_* sizes, release_memory_component), then the
 * function and template definitions, each a top-level `void name(...) {` block. Unit 0 keeps the
 * shared definitions; the others see them as extern declarations. Anything of another shape returns
 * undefined, and the caller compiles the file whole.
 */

interface TopItem {
  line: number;
  text: string;
}

/** Top-level (brace depth 0) lines, with string literals ignored; undefined if braces do not balance. */
function topLevel(lines: string[]): TopItem[] | undefined {
  const items: TopItem[] = [];
  let depth = 0;
  for (let i = 0; i < lines.length; i++) {
    const l = (lines[i] as string).replace(/"(\\.|[^"\\])*"/g, '""');
    if (l.includes("'")) return undefined; // char literals could hide braces: not expected here
    if (depth === 0 && l.trim() !== "") items.push({ line: i, text: l.trim() });
    for (const ch of l) {
      if (ch === "{") depth++;
      else if (ch === "}") depth--;
    }
    if (depth < 0) return undefined;
  }
  return depth === 0 ? items : undefined;
}

const isPrototype = (t: string) => /^void \w+\(.*\);$/.test(t);
const isDefinition = (t: string) => /^void \w+\(.*\)\s*\{+$/.test(t);
const isComment = (t: string) => t.startsWith("//");

export function splitGeneratedCpp(src: string, parts: number): string[] | undefined {
  if (parts < 2) return undefined;
  const lines = src.split("\n");
  const items = topLevel(lines);
  if (!items) return undefined;
  const sharedIdx = items.findIndex(
    (it) => !it.text.startsWith("#include") && !isPrototype(it.text) && !isComment(it.text),
  );
  const release = items.findIndex((it) => it.text.startsWith("void release_memory_component("));
  if (sharedIdx < 0 || release < sharedIdx || release + 1 >= items.length) return undefined;
  const sharedStart = (items[sharedIdx] as TopItem).line;
  const bodyStart = (items[release + 1] as TopItem).line;

  const externs: string[] = [];
  for (const it of items.slice(sharedIdx, release + 1)) {
    const table = /^Circom_TemplateFunction (\w+)\[(\d+)\] = \{$/.exec(it.text);
    if (table) externs.push(`extern Circom_TemplateFunction ${table[1]}[${table[2]}];`);
    else if (it.text.startsWith("void release_memory_component("))
      externs.push("void release_memory_component(Circom_CalcWit* ctx, uint pos);");
    else if (!/^uint get_\w+\(\) \{return \d+;\}$/.test(it.text) && !isComment(it.text)) return undefined;
  }

  // Definitions from bodyStart on: cut only where a definition starts (a comment goes with the next).
  const body = items.filter((it) => it.line >= bodyStart);
  if (!body.every((it) => isDefinition(it.text) || isComment(it.text))) return undefined;
  const cuts = body.filter((it) => isDefinition(it.text)).map((it) => it.line);
  if (cuts.length < parts) return undefined;
  const bytesBefore: number[] = [0];
  for (const l of lines) bytesBefore.push((bytesBefore.at(-1) as number) + l.length + 1);
  const total = (bytesBefore.at(-1) as number) - (bytesBefore[bodyStart] as number);
  const chunks: Array<[number, number]> = [];
  let from = bodyStart;
  for (let k = 1; k < parts; k++) {
    const target = (bytesBefore[bodyStart] as number) + (total * k) / parts;
    const cut = cuts.find((c) => c > from && (bytesBefore[c] as number) >= target);
    if (cut === undefined) break;
    chunks.push([from, cut]);
    from = cut;
  }
  chunks.push([from, lines.length]);
  if (chunks.length < 2) return undefined;
  const prototypes = lines.slice(0, sharedStart).join("\n");
  const shared = lines.slice(sharedStart, bodyStart).join("\n");
  return chunks.map(([a, b], k) =>
    [
      prototypes,
      k === 0
        ? shared
        : `// unit ${k} of ${chunks.length} (circuits/native-witness-split.ts)\n${externs.join("\n")}`,
      lines.slice(a, b).join("\n"),
      "",
    ].join("\n"),
  );
}
