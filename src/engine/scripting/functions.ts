// The function libraries of an engine (FUNCTION LOAD/DELETE/FLUSH/RESTORE, FCALL): the registry
// of loaded functions over the persisted library code (ScriptStore.libraries). A library is
// loaded into the VM on first use after a restart, in the order it was stored.

import type { CtxEngine } from "../command-table.ts";
import { CommandError } from "../errors.ts";
import { parseLibraryHeader, runLibrary } from "./function-loader.ts";
import type { LoadedFunction } from "./function-loader.ts";
import { checkBodySize, runtimeOf } from "./runtime.ts";
import type { ScriptRuntime } from "./runtime.ts";

/** The runtime with every stored library loaded into its VM. */
export function functionsOf(engine: CtxEngine): ScriptRuntime {
  const rt = runtimeOf(engine);
  if (!rt.librariesLoaded) {
    rt.librariesLoaded = true;
    for (const [name, code] of engine.scripts.libraries) {
      try {
        install(rt, name, code);
      } catch (e) {
        // stored code that no longer loads stays stored (FUNCTION LIST shows nothing for it)
        console.error("blink-edge: stored function library failed to load", name, e);
      }
    }
  }
  return rt;
}

/** Loads a library into the VM and registry, replacing one of the same name. */
function install(rt: ScriptRuntime, name: string, code: string): void {
  const { body } = parseLibraryHeader(code);
  const funcs = runLibrary(rt.runner, body);
  for (const f of funcs) {
    const owner = rt.functions.get(f.name.toLowerCase());
    if (owner !== undefined && owner.library !== name) {
      rt.runner.forget((n) => n.startsWith("tmp:"));
      throw new CommandError("ERR", `ERR Function ${f.name} already exists`);
    }
  }
  drop(rt, name);
  rt.libraries.set(name, { code, functions: funcs });
  for (const f of funcs) {
    rt.runner.rename(`tmp:${f.name}`, `fn:${f.name}`);
    rt.functions.set(f.name.toLowerCase(), { ...f, library: name });
  }
}

function drop(rt: ScriptRuntime, name: string): void {
  const lib = rt.libraries.get(name);
  if (!lib) return;
  for (const f of lib.functions) rt.functions.delete(f.name.toLowerCase());
  const names = new Set(lib.functions.map((f) => `fn:${f.name}`));
  rt.runner.forget((n) => names.has(n));
  rt.libraries.delete(name);
}

/** FUNCTION LOAD: the library's name. */
export function loadLibrary(engine: CtxEngine, code: string, replace: boolean): string {
  checkBodySize(code);
  const rt = functionsOf(engine);
  const { name } = parseLibraryHeader(code);
  if (rt.libraries.has(name) && !replace)
    throw new CommandError("ERR", `ERR Library '${name}' already exists`);
  install(rt, name, code);
  engine.scripts.libraries.set(name, code);
  engine.scripts.librariesDirty();
  return name;
}

/** FUNCTION DELETE. */
export function deleteLibrary(engine: CtxEngine, name: string): void {
  const rt = functionsOf(engine);
  if (!rt.libraries.has(name)) throw new CommandError("ERR", "ERR Library not found");
  drop(rt, name);
  engine.scripts.libraries.delete(name);
  engine.scripts.librariesDirty();
}

/** FUNCTION FLUSH. */
export function flushLibraries(engine: CtxEngine): void {
  const rt = functionsOf(engine);
  for (const name of [...rt.libraries.keys()]) drop(rt, name);
  engine.scripts.libraries.clear();
  engine.scripts.librariesDirty();
}

const DUMP_MAGIC = "blink-edge-functions:1:";

/** FUNCTION DUMP's payload: our own format (Redis's is an RDB fragment), read by RESTORE. */
export function dumpLibraries(engine: CtxEngine): string {
  const libs = [...engine.scripts.libraries.entries()];
  const json = JSON.stringify(libs);
  return `${DUMP_MAGIC}${checksum(json)}:${json}`;
}

/** FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE]. */
export function restoreLibraries(engine: CtxEngine, payload: string, policy: string): void {
  const bad = () => new CommandError("ERR", "ERR DUMP payload version or checksum are wrong");
  if (!payload.startsWith(DUMP_MAGIC)) throw bad();
  const rest = payload.slice(DUMP_MAGIC.length);
  const colon = rest.indexOf(":");
  const json = rest.slice(colon + 1);
  if (colon < 0 || rest.slice(0, colon) !== checksum(json)) throw bad();
  let libs: [string, string][];
  try {
    libs = JSON.parse(json) as [string, string][];
  } catch {
    throw bad();
  }
  const rt = functionsOf(engine);
  if (policy === "append") {
    for (const [name] of libs)
      if (rt.libraries.has(name))
        throw new CommandError("ERR", `ERR Library ${name} already exists`);
  }
  if (policy === "flush") flushLibraries(engine);
  for (const [name, code] of libs) {
    if (policy !== "replace" && rt.libraries.has(name)) continue;
    loadLibrary(engine, code, true);
  }
}

/** FNV-1a of a text, as hex: enough to refuse a damaged or foreign payload. */
function checksum(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16);
}

export type { LoadedFunction };
