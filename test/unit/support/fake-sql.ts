// A Durable Object SqlStorage stand-in on node:sqlite, so persistence runs in plain Node tests.

import { DatabaseSync } from "node:sqlite";

type Binding = string | number | bigint | null | ArrayBuffer | Uint8Array;

function bind(v: Binding): string | number | bigint | null | Uint8Array {
  return v instanceof ArrayBuffer ? new Uint8Array(v) : v;
}

function unbind(v: unknown): unknown {
  return v instanceof Uint8Array ? v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength) : v;
}

/** The subset of SqlStorage that src/worker/persistence.ts uses. */
export class FakeSql {
  readonly db = new DatabaseSync(":memory:");
  rowsWritten = 0;
  statements = 0;

  exec(query: string, ...bindings: Binding[]) {
    this.statements++;
    const parts = query.split(";").map((s) => s.trim()).filter(Boolean);
    if (parts.length > 1) {
      this.db.exec(query);
      return cursor([]);
    }
    const stmt = this.db.prepare(query);
    if (/^\s*(select)/i.test(query)) {
      stmt.setReturnArrays(true);
      const rows = stmt.all(...bindings.map(bind)) as unknown as unknown[][];
      return cursor(rows.map((r) => r.map(unbind)), stmt.columns().map((c) => c.name));
    }
    const info = stmt.run(...bindings.map(bind));
    this.rowsWritten += Number(info.changes);
    return cursor([]);
  }

  get databaseSize(): number {
    return 0;
  }
}

function cursor(rows: unknown[][], columns: string[] = []) {
  return {
    raw: () => rows[Symbol.iterator](),
    toArray: () => rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i]]))),
    one: () => Object.fromEntries(columns.map((c, i) => [c, rows[0]![i]])),
  };
}
