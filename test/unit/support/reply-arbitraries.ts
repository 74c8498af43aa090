// fast-check arbitraries for engine replies, shared by the codec tests.

import fc from "fast-check";
import { fromBytes } from "../../../src/engine/bytes.ts";
import { R, type Reply } from "../../../src/engine/reply.ts";

/** Byte strings: text (through UTF-8, as every byte string is made) or arbitrary bytes. */
export const byteString: fc.Arbitrary<string> = fc.oneof(
  // Through UTF-8 and back, as every byte string is made (no lone surrogates).
  fc.string({ unit: "grapheme", maxLength: 80 }).map((s) => fromBytes(new TextEncoder().encode(s))),
  fc.uint8Array({ maxLength: 80 }).map((a) => fromBytes(a)),
);
const scalar: fc.Arbitrary<Reply> = fc.oneof(
  byteString.map(R.status),
  byteString.map((v) => ({ k: "error", code: "ERR", v }) as Reply),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map(R.int),
  fc.integer().map(R.int),
  byteString.map(R.bulk),
  fc.constant(R.NIL),
  fc.constant(R.NILARRAY),
  fc.double({ noNaN: true }).map(R.double),
  fc.boolean().map(R.bool),
  byteString.map(R.verbatim),
);
/** Any reply tree except `none` (which only ever stands alone). */
export const replyArb: fc.Arbitrary<Reply> = fc.letrec<{ reply: Reply }>((tie) => ({
  reply: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    scalar,
    fc.array(tie("reply"), { maxLength: 4 }).map(R.array),
    fc.array(fc.tuple(tie("reply"), tie("reply")), { maxLength: 3 }).map((ps) => R.map(ps.flat())),
    fc.array(tie("reply"), { maxLength: 4 }).map(R.set),
  ),
})).reply;
