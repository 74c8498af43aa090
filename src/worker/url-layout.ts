// URL layout (spec §5.1, §6.1): an optional `/db/<name>` namespace base, then the route.

import { DEFAULT_NAMESPACE, NAMESPACE_NAME_RE } from "../limits.ts";

export type RouteResult =
  | { ok: true; namespace: string; base: string; rest: string }
  | { ok: false; status: 400 | 404; text: string };

/** Splits a path into namespace and the route after the namespace base. */
export function splitNamespace(pathname: string): RouteResult {
  if (pathname === "/db" || pathname === "/db/")
    return { ok: false, status: 404, text: "ERR no such route" };
  if (!pathname.startsWith("/db/"))
    return { ok: true, namespace: DEFAULT_NAMESPACE, base: "", rest: pathname };
  const end = pathname.indexOf("/", 4);
  const name = end < 0 ? pathname.slice(4) : pathname.slice(4, end);
  if (!NAMESPACE_NAME_RE.test(name) || name === "." || name === "..") {
    return { ok: false, status: 400, text: "ERR invalid namespace name" };
  }
  const rest = end < 0 ? "/" : pathname.slice(end);
  return { ok: true, namespace: name, base: `/db/${name}`, rest };
}
