// Local UTF-8 well-formedness: whether one byte belongs to a well-formed sequence, looking only
// at its neighbours. Bytes are valid UTF-8 exactly when every byte is well formed, and a byte's
// answer depends only on the bytes within three positions of it (UTF-8 is self-synchronising),
// so a single-byte edit needs only its neighbourhood re-examined.

/** Length of the well-formed UTF-8 sequence starting at `i`, or 0 when there is none. */
function sequenceAt(b: Uint8Array, n: number, i: number): number {
  const c = b[i]!;
  if (c < 0x80) return 1;
  let len: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) len = 2;
  else if (c >= 0xe0 && c <= 0xef) {
    len = 3;
    if (c === 0xe0) lo = 0xa0;
    else if (c === 0xed) hi = 0x9f;
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    if (c === 0xf0) lo = 0x90;
    else if (c === 0xf4) hi = 0x8f;
  } else return 0;
  if (i + len > n) return 0;
  const c1 = b[i + 1]!;
  if (c1 < lo || c1 > hi) return 0;
  for (let k = 2; k < len; k++) {
    const ck = b[i + k]!;
    if (ck < 0x80 || ck > 0xbf) return 0;
  }
  return len;
}

/** True when byte `j` of b[0, n) belongs to a well-formed UTF-8 sequence. */
export function wellFormedAt(b: Uint8Array, n: number, j: number): boolean {
  const c = b[j]!;
  if (c < 0x80) return true;
  if (c >= 0xc0) return sequenceAt(b, n, j) > 0;
  // A continuation byte: covered by the sequence of the lead byte before it, if any.
  for (let k = 1; k <= 3 && j - k >= 0; k++) {
    const p = b[j - k]!;
    if (p >= 0x80 && p < 0xc0) continue;
    return sequenceAt(b, n, j - k) > k;
  }
  return false;
}
