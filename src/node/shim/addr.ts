// Listener addresses of the shim (spec §12.1): `port`, `host:port`, `[v6]:port` or `off`.

import { isIPv6 } from "node:net";

/** Host used when an ADDR gives only a port. */
export const DEFAULT_LISTEN_HOST = "127.0.0.1";
const MAX_PORT = 65535;

export interface ListenAddr {
  host: string;
  /** 0 asks the system for a free port. */
  port: number;
}

/** Parses an ADDR option value; null for `off`; throws a message naming the problem. */
export function parseListenAddr(text: string): ListenAddr | null {
  const spec = text.trim();
  if (spec.toLowerCase() === "off") return null;
  let host = DEFAULT_LISTEN_HOST;
  let portText = spec;
  const bracket = /^\[([^\]]+)\]:(\d+)$/.exec(spec);
  if (bracket) {
    host = bracket[1]!;
    portText = bracket[2]!;
  } else if (spec.includes(":")) {
    const at = spec.lastIndexOf(":");
    host = spec.slice(0, at);
    portText = spec.slice(at + 1);
    if (host.includes(":"))
      throw new Error(`invalid address '${text}' (write IPv6 hosts as [host]:port)`);
  }
  if (!/^\d+$/.test(portText) || Number(portText) > MAX_PORT)
    throw new Error(`invalid port in address '${text}'`);
  if (host === "") throw new Error(`missing host in address '${text}'`);
  return { host, port: Number(portText) };
}

/** `host:port`, with IPv6 hosts in brackets. */
export function formatAddr(a: ListenAddr): string {
  return isIPv6(a.host) ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}

/** True for hosts that only this machine can reach (no §12.1 warning for these). */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  return (
    h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h) || h === "::ffff:127.0.0.1"
  );
}
