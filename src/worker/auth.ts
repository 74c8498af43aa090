// Bearer tokens (spec §5.2): full and read-only scopes, secure by default, compared in constant
// time as SHA-256 digests (always against both configured tokens).

import { sha256 } from "./sha256.ts";

export type Scope = "full" | "readonly";

export interface AuthSettings {
  AUTH_TOKEN?: string;
  AUTH_TOKEN_READONLY?: string;
  /** JSON secret: namespace -> { "full"?: token, "readonly"?: token }; valid for that namespace only. */
  NAMESPACE_TOKENS?: string;
  ALLOW_ANONYMOUS?: string;
}

interface NamespaceDigests {
  full: Uint8Array | null;
  readonly: Uint8Array | null;
}

/** Resolved auth configuration of a Worker. */
export interface AuthConfig {
  /** Tokens are configured: credentials are required. */
  readonly enabled: boolean;
  /** No token and ALLOW_ANONYMOUS=true: everyone has full access. */
  readonly anonymous: boolean;
  readonly fullDigest: Uint8Array | null;
  readonly readonlyDigest: Uint8Array | null;
  /** Per-namespace tokens (spec §5.2 extension, issue 5). */
  readonly namespaces: ReadonlyMap<string, NamespaceDigests>;
}

export type AuthOutcome =
  | { ok: true; scope: Scope; presented: boolean }
  | { ok: false; reason: "missing" | "invalid" | "unconfigured" };

/** Header text of the refusal when nothing is configured (spec §5.2). */
export const UNCONFIGURED_TEXT =
  "ERR no auth token configured; set one with wrangler secret put AUTH_TOKEN, or set ALLOW_ANONYMOUS=true";

const encoder = new TextEncoder();
const cache = new Map<string, AuthConfig>();

/** The auth configuration for these settings (digests computed once per token value). */
export function authConfig(env: AuthSettings): AuthConfig {
  const cacheKey = [
    env.AUTH_TOKEN,
    env.AUTH_TOKEN_READONLY,
    env.NAMESPACE_TOKENS,
    env.ALLOW_ANONYMOUS,
  ].join("\u0000");
  let cfg = cache.get(cacheKey);
  if (!cfg) {
    const digest = (t: unknown) => (typeof t === "string" && t ? sha256(encoder.encode(t)) : null);
    const full = digest(env.AUTH_TOKEN);
    const ro = digest(env.AUTH_TOKEN_READONLY);
    const namespaces = new Map<string, NamespaceDigests>();
    if (env.NAMESPACE_TOKENS) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(env.NAMESPACE_TOKENS);
      } catch {
        throw new Error(
          'NAMESPACE_TOKENS must be a JSON object: namespace -> {"full": token, "readonly": token}',
        );
      }
      for (const [ns, t] of Object.entries(
        parsed as Record<string, { full?: string; readonly?: string }>,
      )) {
        namespaces.set(ns, { full: digest(t?.full), readonly: digest(t?.readonly) });
      }
    }
    const enabled = full !== null || ro !== null || namespaces.size > 0;
    cfg = {
      enabled,
      anonymous: !enabled && env.ALLOW_ANONYMOUS === "true",
      fullDigest: full,
      readonlyDigest: ro,
      namespaces,
    };
    cache.set(cacheKey, cfg);
  }
  return cfg;
}

type SubtleWithTimingSafeEqual = SubtleCrypto & {
  timingSafeEqual?: (a: ArrayBufferView, b: ArrayBufferView) => boolean;
};

function equalDigests(a: Uint8Array, b: Uint8Array | null): boolean {
  // Compare against a same-length dummy when a token is not configured, so timing never tells.
  const other = b ?? new Uint8Array(a.length);
  const subtle = crypto.subtle as SubtleWithTimingSafeEqual;
  let same: boolean;
  if (subtle.timingSafeEqual) same = subtle.timingSafeEqual(a, other);
  else {
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff |= a[i]! ^ other[i]!;
    same = diff === 0;
  }
  return same && b !== null;
}

const NONE: NamespaceDigests = { full: null, readonly: null };

/** The scope a presented token grants in a namespace, or null. Constant time in the token's content. */
export function tokenScope(cfg: AuthConfig, token: string, namespace: string): Scope | null {
  const d = sha256(encoder.encode(token));
  const ns = cfg.namespaces.get(namespace) ?? NONE;
  // Every configured token is compared, whatever matches first.
  const full = equalDigests(d, cfg.fullDigest) || equalDigests(d, ns.full);
  const ro = equalDigests(d, cfg.readonlyDigest) || equalDigests(d, ns.readonly);
  return full ? "full" : ro ? "readonly" : null;
}

/** The token a request presents: `Authorization: Bearer` wins over `?_token=` (spec §5.2). */
export function presentedToken(request: Request, url: URL): string | null {
  const h = request.headers.get("Authorization");
  if (h) {
    const m = /^bearer\s+(.+)$/i.exec(h.trim());
    if (m) return m[1]!;
  }
  return url.searchParams.get("_token");
}

/** Authenticates a request for a namespace. */
export function authenticateRequest(
  cfg: AuthConfig,
  request: Request,
  url: URL,
  namespace: string,
): AuthOutcome {
  const token = presentedToken(request, url);
  if (!cfg.enabled) {
    return cfg.anonymous
      ? { ok: true, scope: "full", presented: token !== null }
      : { ok: false, reason: "unconfigured" };
  }
  if (token === null) return { ok: false, reason: "missing" };
  const scope = tokenScope(cfg, token, namespace);
  return scope ? { ok: true, scope, presented: true } : { ok: false, reason: "invalid" };
}
