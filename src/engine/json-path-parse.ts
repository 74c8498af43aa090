// Parsing of the paths into JSON documents that RedisJSON 2 reads: JSONPath (`$`, `.name`,
// `['name']`, `[0]`, `[-1]`, `[1,2]`, `[start:end:step]`, `*`, `..`, filters
// `?(@.a > 1 && @.b == "x")`) and the legacy dot paths (`.`, `.a.b[0]`, `a["b"]`).

import { CommandError } from "./errors.ts";
import type { JsonObject, JsonValue } from "./json-value.ts";

type Literal = JsonValue;

/** A filter expression of `[?(...)]`. */
export type FilterExpr =
  | { k: "or" | "and"; a: FilterExpr; b: FilterExpr }
  | { k: "not"; a: FilterExpr }
  | { k: "cmp"; op: string; a: Operand; b: Operand }
  | { k: "exists"; a: Operand };

/** A side of a comparison: a literal, or a relative (`@...`) or absolute (`$...`) path. */
export type Operand = { k: "lit"; v: Literal } | { k: "path"; root: "@" | "$"; segs: Segment[] };

export type Selector =
  | { k: "names"; names: string[] }
  | { k: "wild" }
  | { k: "indexes"; idx: number[] }
  | { k: "slice"; start: number | null; end: number | null; step: number }
  | { k: "filter"; expr: FilterExpr };

export interface Segment {
  /** `..`: the selector applies to the node and to every descendant. */
  readonly deep: boolean;
  readonly sel: Selector;
}

export interface JsonPath {
  readonly text: string;
  /** A legacy path: selects at most one value; replies are scalars, not arrays. */
  readonly legacy: boolean;
  readonly segs: readonly Segment[];
}

/** Where a value sits: in an array or object (`parent`/`key`), or the document root. */
export interface Loc {
  readonly parent: JsonValue[] | JsonObject | null;
  readonly key: string | number;
  readonly value: JsonValue;
  /** Containers above the value (0 for the root). */
  readonly depth: number;
  /** The parent's own location (absent at the root): its path, for persistence (json-edits.ts). */
  readonly up?: Loc;
}

const pathError = (text: string, pos: number) =>
  new CommandError("ERR", `ERR invalid JSONPath '${text}' at position ${pos}`);

/** Parses a path argument: JSONPath when it starts with `$`, else a legacy path. */
export function parsePath(text: string): JsonPath {
  const legacy = !text.startsWith("$");
  const p = new PathParser(text, legacy ? 0 : 1);
  if (legacy) {
    if (text === "." || text === "") return { text, legacy, segs: [] };
    // A legacy path may start with a bare name (`a.b`) or with `.`/`[`.
    if (text[0] !== "." && text[0] !== "[") p.pos = -1;
  }
  const segs = p.segments();
  return { text, legacy, segs };
}

class PathParser {
  pos: number;
  private readonly text: string;
  constructor(text: string, start: number) {
    this.text = text;
    this.pos = start;
  }

  private fail(): never {
    throw pathError(this.text, Math.max(this.pos, 0));
  }

  private peek(): string {
    return this.text[this.pos] ?? "";
  }

  private skipSpace(): void {
    while (this.peek() === " ") this.pos++;
  }

  /** Segments until the end (or, inside a filter, until a character that ends an operand). */
  segments(inFilter = false): Segment[] {
    const segs: Segment[] = [];
    if (this.pos === -1) {
      // Legacy bare first name.
      this.pos = 0;
      segs.push({ deep: false, sel: { k: "names", names: [this.name()] } });
    }
    while (this.pos < this.text.length) {
      const c = this.peek();
      if (c === ".") {
        this.pos++;
        if (this.peek() === ".") {
          this.pos++;
          if (this.peek() === "[") {
            segs.push({ deep: true, sel: this.bracket() });
          } else if (this.peek() === "*") {
            this.pos++;
            segs.push({ deep: true, sel: { k: "wild" } });
          } else segs.push({ deep: true, sel: { k: "names", names: [this.name()] } });
        } else if (this.peek() === "*") {
          this.pos++;
          segs.push({ deep: false, sel: { k: "wild" } });
        } else segs.push({ deep: false, sel: { k: "names", names: [this.name()] } });
      } else if (c === "[") {
        segs.push({ deep: false, sel: this.bracket() });
      } else if (inFilter) {
        return segs;
      } else this.fail();
    }
    return segs;
  }

  /** A member name after `.`: up to the next `.`, `[` (or, in a filter, an operator). */
  private name(): string {
    const start = this.pos;
    while (this.pos < this.text.length && !/[.[\]\s()=!<>&|,]/.test(this.peek())) this.pos++;
    if (this.pos === start) this.fail();
    return this.text.slice(start, this.pos);
  }

  private bracket(): Selector {
    this.pos++; // [
    this.skipSpace();
    const c = this.peek();
    let sel: Selector;
    if (c === "*") {
      this.pos++;
      sel = { k: "wild" };
    } else if (c === "?") {
      this.pos++;
      this.skipSpace();
      if (this.peek() !== "(") this.fail();
      this.pos++;
      const expr = this.orExpr();
      this.skipSpace();
      if (this.peek() !== ")") this.fail();
      this.pos++;
      sel = { k: "filter", expr };
    } else if (c === "'" || c === '"') {
      const names = [this.quoted()];
      this.skipSpace();
      while (this.peek() === ",") {
        this.pos++;
        this.skipSpace();
        names.push(this.quoted());
        this.skipSpace();
      }
      sel = { k: "names", names };
    } else sel = this.indexOrSlice();
    this.skipSpace();
    if (this.peek() !== "]") this.fail();
    this.pos++;
    return sel;
  }

  private quoted(): string {
    const q = this.peek();
    if (q !== "'" && q !== '"') this.fail();
    this.pos++;
    let out = "";
    while (this.pos < this.text.length && this.peek() !== q) {
      if (this.peek() === "\\" && this.pos + 1 < this.text.length) this.pos++;
      out += this.peek();
      this.pos++;
    }
    if (this.peek() !== q) this.fail();
    this.pos++;
    return out;
  }

  private int(): number | null {
    this.skipSpace();
    const m = /^-?\d+/.exec(this.text.slice(this.pos));
    if (!m) return null;
    this.pos += m[0].length;
    this.skipSpace();
    return Number(m[0]);
  }

  private indexOrSlice(): Selector {
    const first = this.int();
    if (this.peek() === ":") {
      this.pos++;
      const end = this.int();
      let step = 1;
      if (this.peek() === ":") {
        this.pos++;
        step = this.int() ?? 1;
      }
      return { k: "slice", start: first, end, step };
    }
    if (first === null) this.fail();
    const idx = [first];
    while (this.peek() === ",") {
      this.pos++;
      const n = this.int();
      if (n === null) this.fail();
      idx.push(n);
    }
    return { k: "indexes", idx };
  }

  // ---- filters ----------------------------------------------------------------------------

  private orExpr(): FilterExpr {
    let a = this.andExpr();
    for (;;) {
      this.skipSpace();
      if (!this.text.startsWith("||", this.pos)) return a;
      this.pos += 2;
      a = { k: "or", a, b: this.andExpr() };
    }
  }

  private andExpr(): FilterExpr {
    let a = this.unary();
    for (;;) {
      this.skipSpace();
      if (!this.text.startsWith("&&", this.pos)) return a;
      this.pos += 2;
      a = { k: "and", a, b: this.unary() };
    }
  }

  private unary(): FilterExpr {
    this.skipSpace();
    if (this.peek() === "!" && this.text[this.pos + 1] !== "=") {
      this.pos++;
      return { k: "not", a: this.unary() };
    }
    if (this.peek() === "(") {
      this.pos++;
      const e = this.orExpr();
      this.skipSpace();
      if (this.peek() !== ")") this.fail();
      this.pos++;
      return e;
    }
    const a = this.operand();
    this.skipSpace();
    const op = /^(==|!=|<=|>=|=~|<|>)/.exec(this.text.slice(this.pos))?.[0];
    if (!op) {
      if (a.k !== "path") this.fail();
      return { k: "exists", a };
    }
    this.pos += op.length;
    return { k: "cmp", op, a, b: this.operand() };
  }

  private operand(): Operand {
    this.skipSpace();
    const c = this.peek();
    if (c === "@" || c === "$") {
      this.pos++;
      return { k: "path", root: c, segs: this.segments(true) };
    }
    if (c === "'" || c === '"') return { k: "lit", v: this.quoted() };
    const rest = this.text.slice(this.pos);
    const m = /^(-?\d+(\.\d+)?([eE][-+]?\d+)?|true|false|null)/.exec(rest);
    if (!m) this.fail();
    this.pos += m[0].length;
    const t = m[0];
    const v: Literal =
      t === "true"
        ? true
        : t === "false"
          ? false
          : t === "null"
            ? null
            : /^-?\d+$/.test(t)
              ? BigInt(t)
              : Number(t);
    return { k: "lit", v };
  }
}
