// Lua VMs for scripting (issue 15): fengari 0.1.5 (Lua 5.3 in JS, the one blink-edge runs) beside
// wasmoon 1.16.0 (Lua 5.4 in WebAssembly), in Node, on the two costs a script has: crossing into
// the host (`return call('SET', k, v)`, the one-call script of bench/lua.ts, redis.call standing
// for the host function) and computing in Lua (a 1e6-iteration loop).
//
//   node bench/lua-vms.ts [calls]   (default 100000; three alternating rounds)

import * as fengariTyped from "fengari";
import { LuaFactory } from "wasmoon";
// src/engine/scripting/fengari.d.ts types only the API the engine uses; this bench uses more.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const { lua, lauxlib, lualib, to_luastring } = fengariTyped as any;
const N = Number(process.argv[2] ?? 100000);
function benchFengari() {
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  lua.lua_pushjsfunction(L, (L: unknown) => {
    const n = lua.lua_gettop(L);
    let s = 0;
    for (let i = 1; i <= n; i++) s += lua.lua_tojsstring(L, i).length;
    lua.lua_pushstring(L, to_luastring("OK"));
    return 1;
  });
  lua.lua_setglobal(L, to_luastring("call"));
  lauxlib.luaL_dostring(L, to_luastring("function f(k, v) return call('SET', k, v) end"));
  const fname = to_luastring("f");
  const t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) {
    lua.lua_getglobal(L, fname);
    lua.lua_pushstring(L, to_luastring("key:" + (i % 1000)));
    lua.lua_pushstring(L, to_luastring("value"));
    if (lua.lua_pcall(L, 2, 1, 0) !== 0) throw new Error("fail");
    lua.lua_tojsstring(L, -1);
    lua.lua_pop(L, 1);
  }
  return Number(process.hrtime.bigint() - t) / 1e9;
}
async function benchWasmoon() {
  const factory = new LuaFactory();
  const L = await factory.createEngine();
  L.global.set("call", () => "OK");
  await L.doString("function f(k, v) return call('SET', k, v) end");
  const f = L.global.get("f");
  const t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) f("key:" + (i % 1000), "value");
  const s = Number(process.hrtime.bigint() - t) / 1e9;
  L.global.close();
  return s;
}
for (let r = 0; r < 3; r++) {
  const a = benchFengari();
  const b = await benchWasmoon();
  console.log(
    `round ${r + 1}: fengari ${(N / a).toFixed(0)} calls/s (${((a / N) * 1e6).toFixed(2)} µs), wasmoon ${(N / b).toFixed(0)} calls/s (${((b / N) * 1e6).toFixed(2)} µs)`,
  );
}
// A script that computes: 1e6 loop iterations in Lua, once per VM.
{
  const code = "local n = 0 for i = 1, 1000000 do n = n + i % 7 end return n";
  const L = lauxlib.luaL_newstate();
  lualib.luaL_openlibs(L);
  let t = process.hrtime.bigint();
  lauxlib.luaL_dostring(L, to_luastring(code));
  const a = Number(process.hrtime.bigint() - t) / 1e6;
  const W = await new LuaFactory().createEngine();
  t = process.hrtime.bigint();
  await W.doString(code);
  const b = Number(process.hrtime.bigint() - t) / 1e6;
  W.global.close();
  console.log(`1e6-iteration loop: fengari ${a.toFixed(0)} ms, wasmoon ${b.toFixed(0)} ms`);
}
