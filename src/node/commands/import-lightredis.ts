// A Light-Redis db.json (originals.md §2.6) as import request bodies: as it is when it fits one
// request, otherwise re-serialised into several objects of whole keys, in the file's key order.

import { NESTING_MAX_DEPTH } from "../../limits.ts";
import { JsonParseError, dumpsCanonical, parseJsonBytes } from "../../protocols/python-json.ts";
import { RuntimeError } from "./command.ts";

const LABEL = "blink-edge import";
const LF = 0x0a;

/** Request bodies of at most `max` bytes, each a JSON object of whole db.json records. */
export function* lightRedisBodies(body: Buffer, max: number): Generator<Buffer> {
  if (body.length <= max) {
    yield body;
    return;
  }
  let root;
  try {
    // db.json nests each value two levels down: {key: {"val": value}}.
    root = parseJsonBytes(body, { maxDepth: NESTING_MAX_DEPTH + 2 });
  } catch (e) {
    if (!(e instanceof JsonParseError)) throw e;
    const where = e.position >= 0 ? ` at line ${lineOf(body, e.position)}` : "";
    throw new RuntimeError(`${LABEL}: the db.json is not valid JSON${where} (${e.message})`);
  }
  if (!(root instanceof Map))
    throw new RuntimeError(`${LABEL}: a Light-Redis db.json must be a JSON object`);
  // Python-compatible canonical JSON keeps every value exactly (integers, float reprs, order).
  let parts: string[] = [];
  let size = 2;
  for (const [key, rec] of root) {
    const piece = `${dumpsCanonical(key)}:${dumpsCanonical(rec)}`;
    const n = Buffer.byteLength(piece) + 1;
    if (n + 2 > max)
      throw new RuntimeError(
        `${LABEL}: key '${key}' is larger than one request may be (${max} bytes)`,
      );
    if (parts.length > 0 && size + n > max) {
      yield Buffer.from(`{${parts.join(",")}}`);
      parts = [];
      size = 2;
    }
    parts.push(piece);
    size += n;
  }
  yield Buffer.from(`{${parts.join(",")}}`);
}

function lineOf(body: Buffer, utf16Pos: number): number {
  const text = body.toString("utf8");
  let line = 1;
  for (let i = 0; i < utf16Pos && i < text.length; i++) if (text.charCodeAt(i) === LF) line++;
  return line;
}
