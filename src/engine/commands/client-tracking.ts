// CLIENT TRACKING, CACHING, GETREDIR and TRACKINGINFO (client-side caching, issue 16): the
// options as Redis 7.0's clientCommand parses and checks them; the table and the invalidations
// are engine/tracking.ts.

import { asciiLower } from "../ascii.ts";
import type { Ctx } from "../command-table.ts";
import type { ConnState } from "../conn-state.ts";
import { CommandError, Errors } from "../errors.ts";
import { parseStrictInt } from "../numbers.ts";
import { R } from "../reply.ts";
import type { Reply } from "../reply.ts";
import type { TrackingOptions } from "../tracking.ts";
import { TRACKING_PREFIXES_MAX_PER_CONN } from "../../limits.ts";

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]. */
export function clientTracking(ctx: Ctx, argv: readonly string[]): Reply {
  const { engine, conn } = ctx;
  const o: TrackingOptions = {
    redirect: 0,
    bcast: false,
    optin: false,
    optout: false,
    noloop: false,
    prefixes: [],
  };
  const prefixes: string[] = [];
  for (let j = 3; j < argv.length; j++) {
    const opt = asciiLower(argv[j]!);
    const more = j < argv.length - 1;
    if (opt === "redirect" && more) {
      if (o.redirect !== 0) throw Errors.trackingOneRedirect();
      const id = parseStrictInt(argv[++j]!);
      if (id === undefined || id > INT64_MAX || id < INT64_MIN) throw Errors.notInteger();
      // The target must exist now; it may go away later (then the redirect is "broken").
      if (!engine.conns.has(Number(id))) throw Errors.trackingNoRedirectTarget();
      o.redirect = Number(id);
    } else if (opt === "bcast") o.bcast = true;
    else if (opt === "optin") o.optin = true;
    else if (opt === "optout") o.optout = true;
    else if (opt === "noloop") o.noloop = true;
    else if (opt === "prefix" && more) prefixes.push(argv[++j]!);
    else throw Errors.syntax();
  }
  const mode = asciiLower(argv[2]!);
  if (mode === "off") {
    engine.tracking.disable(conn);
    return R.OK;
  }
  if (mode !== "on") throw Errors.syntax();
  checkOptions(conn, o, prefixes);
  if (!engine.sinks.has(conn.id))
    throw new CommandError(
      "ERR",
      "ERR CLIENT TRACKING needs a connection that can receive invalidations: the shim's Redis port or WebSocket /resp",
    );
  engine.tracking.enable(conn, { ...o, prefixes });
  return R.OK;
}

/** Redis's checks before enabling, in its order. */
function checkOptions(conn: ConnState, o: TrackingOptions, prefixes: readonly string[]): void {
  const s = conn.tracking;
  if (!o.bcast && prefixes.length) throw Errors.trackingPrefixNeedsBcast();
  if (s && s.bcast !== o.bcast) throw Errors.trackingBcastSwitch();
  if (o.bcast && (o.optin || o.optout)) throw Errors.trackingOptBcast();
  if (o.optin && o.optout) throw Errors.trackingOptBoth();
  if ((o.optin && s?.optout) || (o.optout && s?.optin)) throw Errors.trackingOptSwitch();
  if (!o.bcast) return;
  // Two prefixes overlap when one starts the other: a key would be announced twice.
  const overlap = (a: string, b: string) => a.startsWith(b) || b.startsWith(a);
  const existing = [...(s?.prefixes ?? [])].sort();
  for (let i = 0; i < prefixes.length; i++) {
    const p = prefixes[i]!;
    const q = existing.find((e) => overlap(p, e));
    if (q !== undefined) throw Errors.trackingPrefixOverlapsExisting(p, q);
    for (let j = i + 1; j < prefixes.length; j++)
      if (overlap(p, prefixes[j]!)) throw Errors.trackingPrefixOverlapsOther(p, prefixes[j]!);
  }
  if (existing.length + Math.max(prefixes.length, 1) > TRACKING_PREFIXES_MAX_PER_CONN)
    throw new CommandError(
      "ERR",
      `ERR too many tracking prefixes on one connection (max ${TRACKING_PREFIXES_MAX_PER_CONN})`,
    );
}

/** CLIENT CACHING YES|NO: whether the next command's reads are remembered (OPTIN / OPTOUT). */
export function clientCaching(ctx: Ctx, argv: readonly string[]): Reply {
  const s = ctx.conn.tracking;
  if (!s) throw Errors.cachingNotTracking();
  const opt = asciiLower(argv[2]!);
  if (opt === "yes") {
    if (!s.optin) throw Errors.cachingYesNotOptin();
  } else if (opt === "no") {
    if (!s.optout) throw Errors.cachingNoNotOptout();
  } else throw Errors.syntax();
  s.caching = true;
  return R.OK;
}

/** CLIENT GETREDIR: the redirect target, 0 for none, -1 while tracking is off. */
export function clientGetredir(ctx: Ctx): Reply {
  return R.int(ctx.conn.tracking?.redirect ?? -1);
}

/** CLIENT TRACKINGINFO: flags (a set), redirect, prefixes. */
export function clientTrackinginfo(ctx: Ctx): Reply {
  const s = ctx.conn.tracking;
  const flags = [s ? "on" : "off"];
  if (s) {
    if (s.bcast) flags.push("bcast");
    if (s.optin) flags.push("optin");
    if (s.optin && s.caching) flags.push("caching-yes");
    if (s.optout) flags.push("optout");
    if (s.optout && s.caching) flags.push("caching-no");
    if (s.noloop) flags.push("noloop");
    if (s.brokenRedir) flags.push("broken_redirect");
  }
  return R.map([
    R.bulk("flags"),
    R.set(flags.map((f) => R.bulk(f))),
    R.bulk("redirect"),
    R.int(s?.redirect ?? -1),
    R.bulk("prefixes"),
    R.bulks([...(s?.prefixes ?? [])].sort()),
  ]);
}

/** CLIENT LIST / INFO flag letters for tracking: t on, R redirect broken, B broadcast. */
export function trackingFlags(c: ConnState): string {
  const s = c.tracking;
  if (!s) return "";
  return "t" + (s.brokenRedir ? "R" : "") + (s.bcast ? "B" : "");
}
