// A Durable Object SqlStorage stand-in on node:sqlite, so persistence runs in plain Node tests.

import { DatabaseSync } from "node:sqlite";
import { nodeSqlStorage } from "../../../src/node/node-sqlite.ts";

/** An in-memory SQLite database behind the SqlStorage calls persistence makes. */
export class FakeSql {
  readonly db = new DatabaseSync(":memory:");
  private readonly sql = nodeSqlStorage(this.db);

  exec(query: string, ...bindings: (string | number | bigint | null | ArrayBuffer)[]) {
    return this.sql.exec(query, ...bindings);
  }

  get rowsWritten(): number {
    return this.sql.rowsWritten;
  }
}
