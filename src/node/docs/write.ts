// `npm run docs`: writes docs/compatibility.md from the command records, with the latest Redis
// test-suite table (docs/redis-suite.md, written by bench/redis-suite.ts) embedded.

import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { compatibilityPage } from "./compatibility.ts";

const root = resolve(import.meta.dirname, "../../..");
const suite = resolve(root, "docs/redis-suite.md");
const page = compatibilityPage(existsSync(suite) ? readFileSync(suite, "utf8") : "");
writeFileSync(resolve(root, "docs/compatibility.md"), page);
console.log("wrote docs/compatibility.md");
