// The platform's floor (issue 8): a do-nothing Worker + Durable Object that answers Blink-style
// lines from a Map, optionally writing one SQLite row per SET. Our doors are measured as a
// ratio to this, on the same machine in the same run.
//
// Routes: /ws/map, /ws/sql (WebSocket, one reply message per request message)
//         /http/map, /http/sql (POST a body of lines)

import { DurableObject } from "cloudflare:workers";

interface Env {
  FLOOR: DurableObjectNamespace<FloorObject>;
}

export class FloorObject extends DurableObject<Env> {
  private readonly map = new Map<string, string>();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec(
      "CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v TEXT) WITHOUT ROWID",
    );
  }

  /** Runs lines "SET k v" / "GET k"; one reply line each. */
  run(body: string, sql: boolean): string {
    let out = "";
    for (const line of body.split("\n")) {
      if (!line) continue;
      const a = line.indexOf(" ");
      const verb = line.slice(0, a);
      if (verb === "SET") {
        const b = line.indexOf(" ", a + 1);
        const k = line.slice(a + 1, b);
        const v = line.slice(b + 1);
        this.map.set(k, v);
        if (sql)
          this.ctx.storage.sql.exec(
            "INSERT INTO kv (k, v) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v",
            k,
            v,
          );
        out += "OK\n";
      } else {
        const v = this.map.get(line.slice(a + 1));
        out += v === undefined ? "NOT_FOUND\n" : `VALUE ${v}\n`;
      }
    }
    return out;
  }

  override async fetch(request: Request): Promise<Response> {
    const sql = new URL(request.url).pathname.endsWith("/sql");
    if (request.headers.get("Upgrade") === "websocket") {
      const pair = new WebSocketPair();
      this.ctx.acceptWebSocket(pair[1], [sql ? "sql" : "map"]);
      return new Response(null, { status: 101, webSocket: pair[0] });
    }
    return new Response(this.run(await request.text(), sql));
  }

  override async webSocketMessage(ws: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const sql = this.ctx.getTags(ws)[0] === "sql";
    ws.send(
      this.run(typeof message === "string" ? message : new TextDecoder().decode(message), sql),
    );
  }

  override async webSocketClose(ws: WebSocket, code: number): Promise<void> {
    try {
      ws.close(code === 1005 ? 1000 : code, "");
    } catch {
      // closed
    }
  }
}

export default {
  fetch(request: Request, env: Env): Promise<Response> {
    return env.FLOOR.getByName("floor").fetch(request);
  },
} satisfies ExportedHandler<Env>;
