// The script cache and the function libraries of a namespace in SQLite (issue 15): one row per
// cached script body and one per library, written in the batch's own turn like every other
// change, read back at load so EVALSHA and FCALL work after the object restarts.

import type { ScriptStore } from "../engine/scripting/script-store.ts";
import { bytesOfSql, sqlBytes } from "./sql-bytes.ts";

type Sql = SqlStorage;

/** Writes what changed in the store since the last flush. */
export function saveScripts(sql: Sql, scripts: ScriptStore): void {
  if (scripts.cacheFlushed) sql.exec("DELETE FROM scripts WHERE kind = 'sha'");
  for (const sha of scripts.added) {
    const body = scripts.bodies.get(sha);
    if (body === undefined) continue;
    sql.exec(
      "INSERT OR REPLACE INTO scripts (kind, name, body) VALUES ('sha', ?, ?)",
      sha,
      sqlBytes(body),
    );
  }
  if (scripts.librariesChanged) {
    sql.exec("DELETE FROM scripts WHERE kind = 'lib'");
    for (const [name, code] of scripts.libraries) {
      sql.exec("INSERT INTO scripts (kind, name, body) VALUES ('lib', ?, ?)", name, sqlBytes(code));
    }
  }
  scripts.persisted();
}

/** Reads the cached scripts and libraries back. */
export function loadScripts(sql: Sql, scripts: ScriptStore): void {
  for (const row of sql.exec("SELECT kind, name, body FROM scripts").raw()) {
    const body = bytesOfSql(row[2]);
    if (row[0] === "sha") scripts.bodies.set(row[1] as string, body);
    else scripts.libraries.set(row[1] as string, body);
  }
  scripts.persisted();
}
