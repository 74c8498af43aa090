// FUNCTION LOAD's Lua side: a library's code runs once with only redis.register_function,
// redis.log and the version fields in sight (as in Redis 7.0); each registered callback is kept
// in the VM under "fn:<name>" and called by FCALL with (KEYS, ARGV) as arguments.

import { CommandError } from "../errors.ts";
import { fromBytes } from "../bytes.ts";
import { lua } from "./lua.ts";
import type { LuaState } from "./lua.ts";
import type { LuaRunner } from "./lua-runner.ts";
import { pushStrictTable, rawSetField, withGlobalsFrom } from "./lua-globals.ts";
import { raiseError } from "./lua-stack.ts";

/** A function a library registered. */
export interface LoadedFunction {
  readonly name: string;
  readonly flags: readonly string[];
  readonly description: string | null;
}

/** Flags register_function accepts (Redis 7.0 script flags). */
const FUNCTION_FLAGS = new Set([
  "no-writes",
  "allow-oom",
  "allow-stale",
  "no-cluster",
  "allow-cross-slot-keys",
]);
const NAME_RE = /^[A-Za-z0-9_]+$/;
/** Instructions a library's load may run (Redis stops a load after 500 ms: "FUNCTION LOAD timeout"). */
const LOAD_INSTRUCTION_LIMIT = 5_000_000;
const NAME_ERROR =
  "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";

/** The name given by a library's `#!lua name=<name>` line, and the code with that line blanked. */
export function parseLibraryHeader(code: string): { name: string; body: string } {
  if (!code.startsWith("#!")) throw err("ERR Missing library metadata");
  const eol = code.indexOf("\n");
  const line = eol < 0 ? code.slice(2) : code.slice(2, eol);
  const sp = line.indexOf(" ");
  const engine = sp < 0 ? line : line.slice(0, sp);
  if (engine.toLowerCase() !== "lua") throw err(`ERR Engine '${engine}' not found`);
  // the rest splits as Redis's sdssplitargs does for simple quoting
  const parts = (sp < 0 ? "" : line.slice(sp + 1))
    .split(" ")
    .filter((p) => p !== "")
    .map((p) => p.replace(/"/g, ""));
  let name: string | undefined;
  for (const p of parts) {
    if (p.startsWith("name=")) {
      if (name !== undefined)
        throw err("ERR Invalid metadata value, name argument was given multiple times");
      name = p.slice(5);
    } else throw err(`ERR Invalid metadata value given: ${p}`);
  }
  if (name === undefined) throw err("ERR Library name was not given");
  if (!NAME_RE.test(name)) throw err(`ERR ${NAME_ERROR}`);
  return { name, body: eol < 0 ? "" : code.slice(eol) };
}

function err(text: string): CommandError {
  return new CommandError("ERR", text);
}

/**
 * Compiles and runs a library's body, registering its functions under temporary names in the
 * VM ("tmp:<name>"). Returns them; throws Redis's error (nothing is kept on failure).
 */
export function runLibrary(runner: LuaRunner, body: string): LoadedFunction[] {
  const L = runner.L;
  const compileError = runner.compile("load:chunk", body, "@user_function");
  if (compileError !== null) {
    throw err(
      `ERR Error compiling function: ${compileError.replace(/ near <eof>$/, " near '<eof>'")}`,
    );
  }
  const registered: LoadedFunction[] = [];
  const top = lua.lua_gettop(L);
  pushLoadEnv(L, runner);
  const env = lua.lua_gettop(L);
  runner.registering = (L) => register(L, registered, runner);
  try {
    const failure = withGlobalsFrom(L, env, () =>
      runner.callRaw("load:chunk", LOAD_INSTRUCTION_LIMIT),
    );
    if (failure !== null) {
      runner.forget((n) => n.startsWith("tmp:"));
      throw err(`ERR Error registering functions: ${failure}`);
    }
  } finally {
    runner.registering = null;
    runner.forget((n) => n === "load:chunk");
    lua.lua_settop(L, top);
  }
  if (registered.length === 0) throw err("ERR No functions registered");
  return registered;
}

/** The load-time globals: only `redis` with register_function, log and the version fields. */
function pushLoadEnv(L: LuaState, runner: LuaRunner): void {
  pushStrictTable(L);
  const env = lua.lua_gettop(L);
  pushStrictTable(L);
  const api = lua.lua_gettop(L);
  lua.lua_getglobal(L, "redis");
  for (const name of [
    "log",
    "LOG_DEBUG",
    "LOG_VERBOSE",
    "LOG_NOTICE",
    "LOG_WARNING",
    "REDIS_VERSION",
    "REDIS_VERSION_NUM",
  ]) {
    lua.lua_getfield(L, -1, name);
    rawSetField(L, api, name);
  }
  lua.lua_pop(L, 1);
  // register_function exists only here: a function calling it at run time finds nil
  lua.lua_pushcfunction(L, (L) => {
    if (!runner.registering)
      return raiseError(L, "redis.register_function can only be called on FUNCTION LOAD command");
    return runner.registering(L);
  });
  rawSetField(L, api, "register_function");
  rawSetField(L, env, "redis");
}

/** redis.register_function(name, callback) or redis.register_function{function_name=..., ...}. */
function register(L: LuaState, out: LoadedFunction[], runner: LuaRunner): number {
  const argc = lua.lua_gettop(L);
  let name: string;
  let flags: string[] = [];
  let description: string | null = null;
  if (argc === 1) {
    if (lua.lua_type(L, 1) !== lua.LUA_TTABLE)
      raiseError(
        L,
        "calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).",
      );
    let callback = false;
    name = "";
    let hasName = false;
    lua.lua_pushnil(L); // slot 2: the callback, once seen
    lua.lua_pushnil(L);
    while (lua.lua_next(L, 1) !== 0) {
      const key =
        lua.lua_type(L, -2) === lua.LUA_TSTRING ? fromBytes(lua.lua_tostring(L, -2)!) : "";
      if (key === "function_name") {
        if (lua.lua_type(L, -1) !== lua.LUA_TSTRING)
          raiseError(L, "function_name argument given to redis.register_function must be a string");
        name = fromBytes(lua.lua_tostring(L, -1)!);
        hasName = true;
      } else if (key === "callback") {
        if (lua.lua_type(L, -1) !== lua.LUA_TFUNCTION)
          raiseError(L, "callback argument given to redis.register_function must be a function");
        lua.lua_pushvalue(L, -1);
        lua.lua_replace(L, 2);
        callback = true;
      } else if (key === "description") {
        if (lua.lua_type(L, -1) !== lua.LUA_TSTRING)
          raiseError(L, "description argument given to redis.register_function must be a string");
        description = fromBytes(lua.lua_tostring(L, -1)!);
      } else if (key === "flags") {
        if (lua.lua_type(L, -1) !== lua.LUA_TTABLE)
          raiseError(
            L,
            "flags argument to redis.register_function must be a table representing function flags",
          );
        flags = readFlags(L);
      } else {
        raiseError(L, "unknown argument given to redis.register_function");
      }
      lua.lua_pop(L, 1);
    }
    if (!hasName) raiseError(L, "redis.register_function must get a function name argument");
    if (!callback) raiseError(L, "redis.register_function must get a callback argument");
    lua.lua_pushvalue(L, 2);
  } else {
    if (argc !== 2) raiseError(L, "wrong number of arguments to redis.register_function");
    if (!lua.lua_isstring(L, 1))
      raiseError(L, "first argument to redis.register_function must be a string");
    if (lua.lua_type(L, 2) !== lua.LUA_TFUNCTION)
      raiseError(L, "second argument to redis.register_function must be a function");
    name = fromBytes(lua.lua_tostring(L, 1)!);
    lua.lua_pushvalue(L, 2);
  }
  if (!NAME_RE.test(name)) raiseError(L, NAME_ERROR);
  if (out.some((f) => f.name === name)) raiseError(L, "Function already exists in the library");
  runner.store(`tmp:${name}`);
  out.push({ name, flags, description });
  return 0;
}

/** The flags table on top of the stack as names; an unknown one is Redis's error. */
function readFlags(L: LuaState): string[] {
  const flags: string[] = [];
  const n = lua.lua_rawlen(L, -1);
  for (let i = 1; i <= n; i++) {
    lua.lua_rawgeti(L, -1, i);
    const f = lua.lua_type(L, -1) === lua.LUA_TSTRING ? fromBytes(lua.lua_tostring(L, -1)!) : "";
    lua.lua_pop(L, 1);
    if (!FUNCTION_FLAGS.has(f)) raiseError(L, "unknown flag given");
    flags.push(f);
  }
  return flags;
}
