// Reaching a Worker over HTTP from `blink-edge export` / `import`: --url, --db and --token (with
// their environment variables), and failures turned into one-line errors (exit status 1).

import { DEFAULT_NAMESPACE, NAMESPACE_NAME_RE, WORKER_URL_DEFAULT } from "../../limits.ts";
import { RuntimeError, UsageError } from "./command.ts";

export const REMOTE_OPTIONS = {
  url: { type: "string" },
  db: { type: "string", short: "n" },
  token: { type: "string" },
} as const;

export const REMOTE_HELP = `  --url URL       Worker base URL, may include a namespace base /db/<name>
                  (env BLINK_EDGE_URL; default ${WORKER_URL_DEFAULT})
  -n, --db NAME   namespace (replaces any /db/<name> in the URL; default ${DEFAULT_NAMESPACE})
  --token T       bearer token (prefer env BLINK_EDGE_TOKEN: arguments are visible to other
                  local users)`;

/** A Worker base URL (with its namespace base) and the request headers for it. */
export interface Remote {
  base: string;
  headers: Record<string, string>;
}

/** The remote named by the options; a bad URL or namespace name is a usage error. */
export function remoteFrom(v: { url?: string; db?: string; token?: string }): Remote {
  const url = v.url ?? process.env.BLINK_EDGE_URL ?? WORKER_URL_DEFAULT;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`--url: invalid URL '${url}'`);
  }
  if (u.protocol !== "http:" && u.protocol !== "https:")
    throw new UsageError(`--url: expected an http(s) URL, got '${url}'`);
  if (v.db !== undefined && (!NAMESPACE_NAME_RE.test(v.db) || v.db === "." || v.db === "..")) {
    throw new UsageError(`--db: invalid namespace name '${v.db}'`);
  }
  const path = u.pathname.replace(/\/+$/, "");
  const root = /^(.*?)\/db\/[^/]+$/.exec(path)?.[1] ?? path;
  if (v.db !== undefined) u.pathname = v.db === DEFAULT_NAMESPACE ? root : `${root}/db/${v.db}`;
  u.search = "";
  u.hash = "";
  const token = v.token ?? (process.env.BLINK_EDGE_TOKEN || undefined);
  return {
    base: u.toString().replace(/\/+$/, ""),
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  };
}

/** A request to `<base><path>`; network failures become RuntimeError. */
export async function request(
  remote: Remote,
  path: string,
  init: RequestInit,
  what: string,
): Promise<Response> {
  try {
    return await fetch(remote.base + path, {
      ...init,
      headers: { ...remote.headers, ...(init.headers as Record<string, string>) },
    });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new RuntimeError(
      `${what}: cannot reach ${remote.base} (${cause?.code ?? cause?.message ?? (e as Error).message})`,
    );
  }
}

/** The error text of a failed response: `{"error": …}` bodies, else the status and body. */
export async function errorText(res: Response): Promise<string> {
  const body = await res.text().catch(() => "");
  try {
    const e = (JSON.parse(body) as { error?: unknown }).error;
    if (typeof e === "string") return e;
  } catch {
    // not JSON
  }
  return `HTTP ${res.status}${body ? `: ${body.trim().slice(0, 200)}` : ""}`;
}
