// RESP bytes for the oracle helpers: a command line as a multibulk, the length of one reply, a
// printable form, and a reply with unordered aggregates sorted (spec §10.11 item 4).

/** A command line as text (each argument UTF-8) or raw bytes. */
export type Argv = readonly (string | Uint8Array)[];

/** The command line as a RESP multibulk. */
export function multibulk(argv: Argv): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`)];
  for (const a of argv) {
    const b = typeof a === "string" ? Buffer.from(a, "utf8") : Buffer.from(a);
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from("\r\n"));
  }
  return Buffer.concat(parts);
}

/** Length of the first complete RESP2/RESP3 reply in buf, or -1 if incomplete. */
export function replyLength(buf: Buffer, at = 0): number {
  if (at >= buf.length) return -1;
  const nl = buf.indexOf("\r\n", at);
  if (nl < 0) return -1;
  const type = String.fromCharCode(buf[at]!);
  const head = buf.toString("latin1", at + 1, nl);
  const after = nl + 2;
  switch (type) {
    case "+":
    case "-":
    case ":":
    case "_":
    case ",":
    case "#":
    case "(":
      return after - at;
    case "$":
    case "=":
    case "!": {
      const n = Number(head);
      if (n < 0) return after - at;
      return buf.length >= after + n + 2 ? after + n + 2 - at : -1;
    }
    case "*":
    case "~":
    case "%":
    case ">": {
      let n = Number(head);
      if (n < 0) return after - at;
      if (type === "%") n *= 2;
      let p = after;
      for (let i = 0; i < n; i++) {
        const l = replyLength(buf, p);
        if (l < 0) return -1;
        p += l;
      }
      return p - at;
    }
    default:
      throw new Error(`unexpected reply byte ${type}`);
  }
}

/** Printable form of reply bytes for readable test diffs. */
export function show(b: Buffer): string {
  return JSON.stringify(b.toString("latin1"));
}

/** Printable form of a command line: text as is, byte arguments as 0x hex. */
export function label(argv: Argv): string {
  return argv
    .map((x) => (typeof x === "string" ? x : `0x${Buffer.from(x).toString("hex")}`))
    .join(" ");
}

/** Splits one reply into [header, children] (children empty for scalars). */
function parts(buf: Buffer): [header: Buffer, children: Buffer[]] {
  const nl = buf.indexOf("\r\n");
  const header = buf.subarray(0, nl + 2);
  const type = String.fromCharCode(buf[0]!);
  if (!"*~%".includes(type) || Number(buf.toString("latin1", 1, nl)) < 0) return [buf, []];
  const children: Buffer[] = [];
  for (let p = nl + 2; p < buf.length;) {
    const n = replyLength(buf, p);
    children.push(buf.subarray(p, p + n));
    p += n;
  }
  return [header, children];
}

/** The reply with the elements of every aggregate of scalars sorted bytewise (recursively). */
export function sortedReply(buf: Buffer): Buffer {
  const [header, children] = parts(buf);
  if (children.length === 0) return buf;
  const norm = children.map(sortedReply);
  if (norm.every((c) => parts(c)[1].length === 0) && buf[0] !== 0x25 /* % keeps pairs */) {
    norm.sort(Buffer.compare);
  }
  return Buffer.concat([header, ...norm]);
}
