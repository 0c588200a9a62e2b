// solc shim for forge: forge only needs `--version` and `--standard-json` (input on stdin, output on stdout).
// It runs the npm `solc` package (solcjs 0.8.28, WASM) because native solc cannot be downloaded here.
"use strict";
const path = require("node:path");
const fs = require("node:fs");

const args = process.argv.slice(2);
if (args.includes("--version")) {
  // forge parses this exact native format to learn the compiler version.
  process.stdout.write(
    "solc, the solidity compiler commandline interface\nVersion: 0.8.28+commit.7893614a.Linux.g++\n",
  );
  process.exit(0);
}
if (!args.includes("--standard-json")) {
  process.stderr.write("contracts/bin/solc: only --version and --standard-json are supported\n");
  process.exit(2);
}

const solc = require(path.join(__dirname, "..", "..", "node_modules", "solc"));
const input = fs.readFileSync(0, "utf8");

// forge inlines sources, but resolve any import it did not inline relative to the working dir / allowed paths.
const baseDirs = [process.cwd()];
for (let i = 0; i < args.length; i++) {
  if (
    (args[i] === "--allow-paths" || args[i] === "--base-path" || args[i] === "--include-path") &&
    args[i + 1]
  ) {
    baseDirs.push(...args[i + 1].split(","));
  }
}
function findImports(importPath) {
  for (const dir of baseDirs) {
    const p = path.isAbsolute(importPath) ? importPath : path.join(dir, importPath);
    if (fs.existsSync(p)) return { contents: fs.readFileSync(p, "utf8") };
  }
  return { error: `File not found: ${importPath}` };
}

process.stdout.write(solc.compile(input, { import: findImports }));
