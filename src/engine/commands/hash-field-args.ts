// What the hash field expiry commands share (hash-field-expiry.ts, hash-field-getex.ts): the
// `FIELDS numfields field ...` list, expiry times and option words, Redis's limits, per-field
// reply codes and error texts (t_hash.c).

import type { Entry } from "../entry.ts";
import { Errors } from "../errors.ts";
import { parseInt64Arg, parseStrictInt } from "../numbers.ts";
import { optionName } from "./redis-args.ts";

/** Redis HFE_MAX_ABS_TIME_MSEC: (2^48 - 1) >> 2, the latest field expiry it accepts. */
const FIELD_EXPIRE_MAX_MS = 70368744177663n;
const MS_PER_SECOND = 1000n;
const LONG_MAX = (1n << 63n) - 1n;

/** Per-field codes of the HEXPIRE family, HTTL family and HPERSIST. */
export const NO_FIELD = -2;
export const NO_TTL = -1;
export const NOT_MET = 0;
export const SET = 1;
export const DELETED = 2;

/** Redis's error texts of these commands. */
export const E = {
  fieldsMissing: "ERR Mandatory argument FIELDS is missing or not at the right position",
  countPositive: "ERR Number of fields must be a positive integer",
  countGreaterThanZero: "ERR Parameter `numFields` should be greater than 0",
  countMismatch: "ERR The `numfields` parameter must match the number of arguments",
  negativeExpire: "ERR invalid expire time, must be >= 0",
  setexCount: "ERR invalid number of fields",
  setexCondition: "ERR Only one of FXX or FNX arguments can be specified",
  setexExpiry: "ERR Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified",
  getexExpiry: "ERR Only one of EX, PX, EXAT, PXAT or PERSIST arguments can be specified",
  setexNoFields: "ERR missing FIELDS argument",
};

/** The fields of a hash entry. */
export function fieldsOf(e: Entry): Map<string, string> {
  return e.value as Map<string, string>;
}

/**
 * `FIELDS numfields field ...` with `numfields` at argv[at]: the fields, or Redis's errors
 * (FIELDS not at at-1, a count out of 1..LONG_MAX with `countError`, a count that does not match).
 */
export function fieldList(
  argv: readonly string[],
  at: number,
  countError: string,
): readonly string[] {
  if (optionName(argv[at - 1] ?? "") !== "fields") throw Errors.custom(E.fieldsMissing);
  const n = parseStrictInt(argv[at] ?? "");
  if (n === undefined || n < 1n || n > LONG_MAX) throw Errors.custom(countError);
  if (n !== BigInt(argv.length - at - 1)) throw Errors.custom(E.countMismatch);
  return argv.slice(at + 1);
}

/** An absolute field expiry (Unix ms) from a relative or absolute time in s or ms. */
export function absoluteExpiry(
  name: string,
  text: string,
  seconds: boolean,
  base: number,
  negativeError = E.negativeExpire,
): number {
  let when = parseInt64Arg(text);
  if (when < 0n) throw Errors.custom(negativeError);
  if (seconds) {
    if (when > FIELD_EXPIRE_MAX_MS / MS_PER_SECOND) throw Errors.invalidExpire(name);
    when *= MS_PER_SECOND;
  }
  if (when > FIELD_EXPIRE_MAX_MS - BigInt(base)) throw Errors.invalidExpire(name);
  return Number(when) + base;
}

/** An expiry option word: EX PX EXAT PXAT as [seconds, relative], else undefined. */
export function expiryWord(word: string): [seconds: boolean, relative: boolean] | undefined {
  switch (word) {
    case "ex":
      return [true, true];
    case "px":
      return [false, true];
    case "exat":
      return [true, false];
    case "pxat":
      return [false, false];
  }
  return undefined;
}

/** Parameters (redis-cli help) of the commands that take only a key and a field list. */
export const FIELDS_PARAMS = "key FIELDS numfields field [field ...]";
