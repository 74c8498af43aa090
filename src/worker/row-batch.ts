// Multi-row INSERT statements: a flush that writes many rows (imports, MSET, big transactions)
// sends them a hundred bound parameters at a time instead of one statement per row.

/** SQLite's limit on bound parameters per statement in Durable Objects. */
const MAX_BOUND_PARAMETERS = 100;

type SqlValue = string | number | ArrayBuffer | null;

/** Rows for one INSERT ... VALUES (...) [ON CONFLICT ...] statement, written in order. */
export class RowBatch {
  private readonly sql: SqlStorage;
  private readonly head: string;
  private readonly tail: string;
  private readonly width: number;
  private readonly perStatement: number;
  private readonly texts = new Map<number, string>();
  private values: SqlValue[] = [];

  /** `head` is "INSERT INTO t (a, b) VALUES", `tail` e.g. " ON CONFLICT(a) DO UPDATE SET ...". */
  constructor(sql: SqlStorage, head: string, tail: string, width: number) {
    this.sql = sql;
    this.head = head;
    this.tail = tail;
    this.width = width;
    this.perStatement = Math.floor(MAX_BOUND_PARAMETERS / width);
  }

  /** Queues one row (exactly `width` values). */
  add(...row: SqlValue[]): void {
    for (const v of row) this.values.push(v);
    if (this.values.length === this.perStatement * this.width) this.sendRows();
  }

  /** Writes the queued rows. */
  sendRows(): void {
    const rows = this.values.length / this.width;
    if (rows === 0) return;
    this.sql.exec(this.text(rows), ...this.values);
    this.values = [];
  }

  private text(rows: number): string {
    let t = this.texts.get(rows);
    if (!t) {
      const one = `(${Array(this.width).fill("?").join(", ")})`;
      t = `${this.head} ${Array(rows).fill(one).join(", ")}${this.tail}`;
      this.texts.set(rows, t);
    }
    return t;
  }
}
