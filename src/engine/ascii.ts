// ASCII-only case folding, as Redis's strcasecmp does: command names and option words compare
// without Unicode folding ("\u212Aeys" is not "keys", though JavaScript's toLowerCase says so).

/** Lower-cases A-Z only. */
export function asciiLower(s: string): string {
  let upper = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // Non-ASCII text would be folded by toLowerCase: take the slow, exact path.
    if (c >= 0x80) return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
    if (c >= 0x41 && c <= 0x5a) upper = true;
  }
  return upper ? s.toLowerCase() : s;
}
