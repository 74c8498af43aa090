// The Durable Object SqlStorage calls that src/worker/persistence.ts makes, on node:sqlite:
// lets persistence run in plain Node (tests, benchmarks) against a real SQLite.

import type { DatabaseSync, StatementSync } from "node:sqlite";

type Binding = string | number | bigint | null | ArrayBuffer | Uint8Array;

const toSql = (v: Binding) => (v instanceof ArrayBuffer ? new Uint8Array(v) : v);
const fromSql = (v: unknown) =>
  v instanceof Uint8Array ? v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength) : v;

export interface NodeSqlStorage {
  exec(
    query: string,
    ...bindings: Binding[]
  ): { raw(): Iterator<unknown[]> & Iterable<unknown[]>; toArray(): Record<string, unknown>[] };
  /** Rows changed by writes so far. */
  rowsWritten: number;
}

/** SqlStorage-compatible access to a node:sqlite database (BLOBs as ArrayBuffer, as in workerd). */
export function nodeSqlStorage(db: DatabaseSync): NodeSqlStorage {
  const cache = new Map<string, StatementSync>();
  const out: NodeSqlStorage = {
    rowsWritten: 0,
    exec(query, ...bindings) {
      if (query.includes(";")) {
        db.exec(query);
        return { raw: () => [][Symbol.iterator](), toArray: () => [] };
      }
      let st = cache.get(query);
      if (!st) cache.set(query, (st = db.prepare(query)));
      const args = bindings.map(toSql) as never[];
      if (/^\s*select/i.test(query)) {
        st.setReturnArrays(true);
        const rows = (st.all(...args) as unknown as unknown[][]).map((r) => r.map(fromSql));
        const cols = st.columns().map((c) => c.name);
        return {
          raw: () => rows[Symbol.iterator](),
          toArray: () => rows.map((r) => Object.fromEntries(cols.map((c, i) => [c, r[i]]))),
        };
      }
      out.rowsWritten += Number(st.run(...args).changes);
      return { raw: () => [][Symbol.iterator](), toArray: () => [] };
    },
  };
  return out;
}
