// What a namespace keeps of its scripts: the EVAL script cache (SHA-1 -> body) and the
// function libraries (name -> code). Both are data the host persists (unlike Redis, whose script
// cache dies with the process, an object that restarts still knows every loaded script). The
// compiled forms live in the Lua VM, rebuilt from these on first use.

import type { ChangeSet } from "../change-set.ts";

export class ScriptStore {
  /** EVAL/SCRIPT LOAD bodies by lower-case SHA-1. */
  readonly bodies = new Map<string, string>();
  /** FUNCTION libraries' code by library name, in load order. */
  readonly libraries = new Map<string, string>();
  /** Since the last flush: SHA-1s added, whether the cache was emptied first, libraries changed. */
  readonly added = new Set<string>();
  cacheFlushed = false;
  librariesChanged = false;
  /** The engine's Lua VM and function registry, made on first use (commands/scripting.ts). */
  runtime: unknown = null;
  private readonly changes: ChangeSet;

  constructor(changes: ChangeSet) {
    this.changes = changes;
  }

  /** Caches a script body under its SHA-1. */
  addScript(sha: string, body: string): void {
    if (this.bodies.has(sha)) return;
    this.bodies.set(sha, body);
    this.added.add(sha);
    this.changes.scripts = true;
  }

  /** SCRIPT FLUSH. */
  flushScripts(): void {
    this.bodies.clear();
    this.added.clear();
    this.cacheFlushed = true;
    this.changes.scripts = true;
  }

  /** Records that the set of function libraries changed (written whole: it is small). */
  librariesDirty(): void {
    this.librariesChanged = true;
    this.changes.scripts = true;
  }

  /** Bytes of cached script bodies (INFO used_memory_scripts_eval). */
  get bodyBytes(): number {
    let n = 0;
    for (const b of this.bodies.values()) n += b.length;
    return n;
  }

  /** After the host wrote the changes. */
  persisted(): void {
    this.added.clear();
    this.cacheFlushed = false;
    this.librariesChanged = false;
  }
}
