// LCS (Redis 7.0.15 lcsCommand, its dynamic-programming table and range walk, ported as is)
// and SUBSTR (GETRANGE's old name).

import { fromBytes, toBytes } from "../bytes.ts";
import { command } from "../command-table.ts";
import type { CommandSpec, Ctx } from "../command-table.ts";
import { Errors } from "../errors.ts";
import { parseInt64Arg } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import { LCS_TABLE_MAX_BYTES } from "../../limits.ts";
import { isStringLike, stringOf } from "./access.ts";
import { optionName } from "./redis-args.ts";
import { getrange } from "./strings.ts";

const NOT_STRINGS = "ERR The specified keys must contain string values";
const LEN_AND_IDX = "ERR If you want both the length and indexes, please just use IDX.";
const TOO_BIG = "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len";

function stringBytes(ctx: Ctx, key: string): Uint8Array | null {
  const e = ctx.store.read(key);
  if (!e) return new Uint8Array(0);
  return isStringLike(e.type) ? toBytes(stringOf(e)) : null;
}

function lcs(ctx: Ctx, argv: readonly string[]): Reply {
  const a = stringBytes(ctx, argv[1]!);
  const b = stringBytes(ctx, argv[2]!);
  if (a === null || b === null) throw Errors.custom(NOT_STRINGS);
  let getidx = false;
  let getlen = false;
  let withmatchlen = false;
  let minmatchlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = optionName(argv[j]!);
    const more = argv.length - 1 - j;
    if (opt === "idx") getidx = true;
    else if (opt === "len") getlen = true;
    else if (opt === "withmatchlen") withmatchlen = true;
    else if (opt === "minmatchlen" && more > 0) {
      const v = parseInt64Arg(argv[++j]!);
      minmatchlen = v < 0n ? 0 : v > 2n ** 32n ? 2 ** 32 : Number(v);
    } else throw Errors.syntax();
  }
  if (getidx && getlen) throw Errors.custom(LEN_AND_IDX);
  const alen = a.length;
  const blen = b.length;
  const w = blen + 1;
  if ((alen + 1) * w * 4 > LCS_TABLE_MAX_BYTES) throw Errors.custom(TOO_BIG);
  // table[i*w + j] = length of the LCS of a[0..i) and b[0..j).
  const table = new Uint32Array((alen + 1) * w);
  for (let i = 1; i <= alen; i++) {
    const ai = a[i - 1];
    const row = i * w;
    const prev = row - w;
    for (let j = 1; j <= blen; j++) {
      if (ai === b[j - 1]) table[row + j] = table[prev + j - 1]! + 1;
      else {
        const up = table[prev + j]!;
        const left = table[row + j - 1]!;
        table[row + j] = up > left ? up : left;
      }
    }
  }
  const total = table[alen * w + blen]!;
  const computelcs = getidx || !getlen;
  const result = new Uint8Array(computelcs ? total : 0);
  const matches: Reply[] = [];
  let idx = total;
  let astart = alen; // alen: no range open
  let aend = 0;
  let bstart = 0;
  let bend = 0;
  let i = alen;
  let j = blen;
  while (computelcs && i > 0 && j > 0) {
    let emit = false;
    if (a[i - 1] === b[j - 1]) {
      result[idx - 1] = a[i - 1]!;
      if (astart === alen) {
        astart = aend = i - 1;
        bstart = bend = j - 1;
      } else if (astart === i && bstart === j) {
        astart--;
        bstart--;
      } else emit = true;
      if (astart === 0 || bstart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      if (table[(i - 1) * w + j]! > table[i * w + j - 1]!) i--;
      else j--;
      if (astart !== alen) emit = true;
    }
    const matchLen = aend - astart + 1;
    if (emit) {
      if (getidx && (minmatchlen === 0 || matchLen >= minmatchlen)) {
        const m = [R.array([R.int(astart), R.int(aend)]), R.array([R.int(bstart), R.int(bend)])];
        if (withmatchlen) m.push(R.int(matchLen));
        matches.push(R.array(m));
      }
      astart = alen;
    }
  }
  if (getidx) return R.map([R.bulk("matches"), R.array(matches), R.bulk("len"), R.int(total)]);
  if (getlen) return R.int(total);
  return R.bulk(fromBytes(result));
}

/** LCS and SUBSTR. */
export const lcsCommands: readonly CommandSpec[] = [
  command("lcs", -3, "r", [1, 2, 1], lcs, {
    doc: {
      summary: "Find longest common substring",
      group: "string",
      since: "7.0.0",
      params: "key1 key2 [LEN] [IDX] [MINMATCHLEN min-match-len] [WITHMATCHLEN]",
    },
  }),
  command("substr", 4, "r", [1, 1, 1], getrange, {
    doc: {
      summary: "Get a substring of the string stored at a key",
      group: "string",
      since: "1.0.0",
      params: "key start end",
    },
  }),
];
