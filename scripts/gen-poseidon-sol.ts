/**
 * `npx tsx scripts/gen-poseidon-sol.ts`: writes contracts/generated/ (the Poseidon constant libraries and
 * PoseidonN.sol, see node/l1/poseidon-sol.ts). `npm run build:contracts` and every forge build of the
 * node code do this first; run it by hand only before a bare `forge build` in contracts/.
 */
import { writePoseidonSol } from "../node/l1/poseidon-sol.ts";

const { dir, files } = writePoseidonSol();
console.log(`wrote ${files.length} files to ${dir}: ${files.join(", ")}`);
