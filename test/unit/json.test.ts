// JSON documents (RedisJSON 2 as in Redis 8 / Upstash). No RedisJSON server is installed: the
// fixtures are the examples of each command's page on redis.io, replies written as redis-cli
// shows them there; then JSONPath against a model (property tests), bad input, and persistence.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { floatText, parseJsonArg, toJsonText } from "../../src/engine/json-doc.ts";
import { evaluate, parsePath } from "../../src/engine/json-path.ts";
import type { JsonValue } from "../../src/engine/json-value.ts";
import { plainHarness } from "./support/engine-harness.ts";

const harness = plainHarness;

/** [command line, expected reply] steps of one doc page. */
type Fixture = [string[], unknown][];

const ITEM1 =
  '{"name":"Noise-cancelling Bluetooth headphones","description":"Wireless Bluetooth headphones with noise-cancelling technology","connection":{"wireless":true,"type":"Bluetooth"},"price":99.98,"stock":25,"colors":["black","silver"]}';

const FIXTURES: Record<string, Fixture> = {
  "JSON.SET": [
    [["JSON.SET", "doc", "$", '{"a":2}'], "OK"],
    [["JSON.SET", "doc", "$.a", "3"], "OK"],
    [["JSON.GET", "doc", "$"], '[{"a":3}]'],
    [["JSON.SET", "doc", "$", '{"a":2}'], "OK"],
    [["JSON.SET", "doc", "$.b", "8"], "OK"],
    [["JSON.GET", "doc", "$"], '[{"a":2,"b":8}]'],
    [["JSON.SET", "doc", "$", '{"f1": {"a":1}, "f2":{"a":2}}'], "OK"],
    [["JSON.SET", "doc", "$..a", "3"], "OK"],
    [["JSON.GET", "doc"], '{"f1":{"a":3},"f2":{"a":3}}'],
    [["JSON.SET", "doc", "$.f1", "1", "NX"], null],
    [["JSON.SET", "doc", "$.nope", "1", "XX"], null],
    [["JSON.SET", "new", "$.a", "1"], "!ERR new objects must be created at the root"],
  ],
  "JSON.GET": [
    [["JSON.SET", "doc", "$", '{"a":2, "b": 3, "nested": {"a": 4, "b": null}}'], "OK"],
    [["JSON.GET", "doc", "$..b"], "[3,null]"],
    [["JSON.GET", "doc", "..a", "$..b"], '{"..a":[2,4],"$..b":[3,null]}'],
    [["JSON.GET", "doc", ".nested.a"], "4"],
    [["JSON.GET", "doc", "nested"], '{"a":4,"b":null}'],
    [["JSON.GET", "doc", ".a", ".b"], '{".a":2,".b":3}'],
    [["JSON.GET", "doc", ".zz"], "!ERR Path '.zz' does not exist"],
    [["JSON.GET", "doc", "$.zz"], "[]"],
    [["JSON.GET", "nokey"], null],
    [
      ["JSON.GET", "doc", "INDENT", "\t", "NEWLINE", "\n", "SPACE", " ", "$.nested"],
      '[\n\t{\n\t\t"a": 4,\n\t\t"b": null\n\t}\n]',
    ],
  ],
  // `$..` lists a node's own matches before its descendants' (RedisJSON's own tests, at
  // github.com/RedisJSON/RedisJSON tests/pytest/test_multi.py: testMGetCommand line 240,
  // testNumIncrBy line 300, testObjKeysCommand line 652); the @upstash/redis SDK's tests expect
  // descendants first (docs/deviations.md row 18).
  "RedisJSON test_multi.py: the order of $..": [
    [
      [
        "JSON.SET",
        "doc1",
        "$",
        '{"a":1, "b": 2, "nested1": {"a": 3}, "c": null, "nested2": {"a": null}}',
      ],
      "OK",
    ],
    [["JSON.GET", "doc1", "$..a"], "[1,3,null]"],
    [["JSON.MGET", "doc1", "$..a"], ["[1,3,null]"]],
    [["JSON.SET", "doc2", "$", '{"a":"b","b":[{"a":2}, {"a":5.0}, {"a":"c"}]}'], "OK"],
    [["JSON.NUMINCRBY", "doc2", "$..a", "2"], "[null,4,7.0,null]"],
    [
      [
        "JSON.SET",
        "doc3",
        "$",
        '{"nested1": {"a": {"foo": 10, "bar": 20}}, "a":["foo"], "nested2": {"a": {"baz":50}}}',
      ],
      "OK",
    ],
    [
      ["JSON.OBJKEYS", "doc3", "$..a"],
      [null, ["foo", "bar"], ["baz"]],
    ],
  ],
  "JSON.MGET": [
    [["JSON.SET", "doc1", "$", '{"a":1, "b": 2, "nested": {"a": 3}, "c": null}'], "OK"],
    [["JSON.SET", "doc2", "$", '{"a":4, "b": 5, "nested": {"a": 6}, "c": null}'], "OK"],
    [
      ["JSON.MGET", "doc1", "doc2", "$..a"],
      ["[1,3]", "[4,6]"],
    ],
    [
      ["JSON.MGET", "doc1", "nokey", ".b"],
      ["2", null],
    ],
  ],
  "JSON.MSET": [
    [
      [
        "JSON.MSET",
        "doc1",
        "$",
        '{"a":1}',
        "doc2",
        "$",
        '{"f":{"a":2}}',
        "doc3",
        "$",
        '{"f1":{"a":0},"f2":{"a":0}}',
      ],
      "OK",
    ],
    [
      [
        "JSON.MSET",
        "doc1",
        "$",
        '{"a":2}',
        "doc2",
        "$.f.a",
        "3",
        "doc3",
        "$",
        '{"f1":{"a":1},"f2":{"a":2}}',
      ],
      "OK",
    ],
    [["JSON.GET", "doc1", "$"], '[{"a":2}]'],
    [["JSON.GET", "doc2", "$"], '[{"f":{"a":3}}]'],
    [["JSON.GET", "doc3"], '{"f1":{"a":1},"f2":{"a":2}}'],
  ],
  "JSON.DEL": [
    [["JSON.SET", "doc", "$", '{"a": 1, "nested": {"a": 2, "b": 3}}'], "OK"],
    [["JSON.DEL", "doc", "$..a"], 2],
    [["JSON.GET", "doc", "$"], '[{"nested":{"b":3}}]'],
    [["JSON.FORGET", "doc"], 1],
    [["EXISTS", "doc"], 0],
  ],
  "JSON.TYPE": [
    [["JSON.SET", "doc", "$", '{"a":2, "nested": {"a": true}, "foo": "bar"}'], "OK"],
    [["JSON.TYPE", "doc", "$..foo"], ["string"]],
    [
      ["JSON.TYPE", "doc", "$..a"],
      ["integer", "boolean"],
    ],
    [["JSON.TYPE", "doc", "$..dummy"], []],
    [["JSON.TYPE", "doc"], "object"],
    [["TYPE", "doc"], "ReJSON-RL"],
  ],
  "JSON.STRLEN / STRAPPEND": [
    [["JSON.SET", "doc", "$", '{"a":"foo", "nested": {"a": "hello"}, "nested2": {"a": 31}}'], "OK"],
    [
      ["JSON.STRLEN", "doc", "$..a"],
      [3, 5, null],
    ],
    [
      ["JSON.STRAPPEND", "doc", "$..a", '"baz"'],
      [6, 8, null],
    ],
    [["JSON.GET", "doc", "$"], '[{"a":"foobaz","nested":{"a":"hellobaz"},"nested2":{"a":31}}]'],
    [["JSON.STRAPPEND", "doc", ".a", '"!"'], 7],
    [
      ["JSON.STRAPPEND", "doc", ".nested2.a", '"!"'],
      "!WRONGTYPE wrong type of path value - expected string but found integer",
    ],
  ],
  "JSON.NUMINCRBY / NUMMULTBY": [
    [["JSON.SET", "doc", ".", '{"a":"b","b":[{"a":2}, {"a":5}, {"a":"c"}]}'], "OK"],
    [["JSON.NUMINCRBY", "doc", "$.a", "2"], "[null]"],
    [["JSON.NUMINCRBY", "doc", "$..a", "2"], "[null,4,7,null]"],
    [["JSON.SET", "doc", ".", '{"a":"b","b":[{"a":2}, {"a":5}, {"a":"c"}]}'], "OK"],
    [["JSON.NUMMULTBY", "doc", "$.a", "2"], "[null]"],
    [["JSON.NUMMULTBY", "doc", "$..a", "2"], "[null,4,10,null]"],
    [["JSON.NUMINCRBY", "doc", ".b[0].a", "1.5"], "5.5"],
    [["JSON.NUMMULTBY", "doc", ".b[1].a", "0.5"], "5.0"],
  ],
  "JSON.ARRAPPEND / ARRINDEX / ARRINSERT": [
    [["JSON.SET", "item:1", "$", ITEM1], "OK"],
    [["JSON.ARRAPPEND", "item:1", "$.colors", '"blue"'], [3]],
    [["JSON.GET", "item:1", "$.colors"], '[["black","silver","blue"]]'],
    [["JSON.ARRINSERT", "item:1", "$.colors", "2", '"yellow"', '"gold"'], [5]],
    [["JSON.GET", "item:1", "$.colors"], '[["black","silver","yellow","gold","blue"]]'],
    [["JSON.ARRINDEX", "item:1", "$..colors", '"silver"'], [1]],
    [["JSON.ARRINDEX", "item:1", "$..colors", '"pink"'], [-1]],
    [["JSON.ARRINSERT", "item:1", "$.colors", "9", '"x"'], "!ERR index out of bounds"],
    [["JSON.ARRAPPEND", "item:1", ".colors", '"red"'], 6],
  ],
  "JSON.ARRLEN / ARRPOP / ARRTRIM": [
    [["JSON.SET", "item:2", "$", '{"name":"Wireless earbuds","max_level":[80,90,100,120]}'], "OK"],
    [["JSON.ARRLEN", "item:2", "$.max_level"], [4]],
    [["JSON.ARRPOP", "item:2", "$.max_level", "0"], ["80"]],
    [["JSON.GET", "item:2", "$.max_level"], "[[90,100,120]]"],
    [["JSON.ARRPOP", "item:2", ".max_level"], "120"],
    [["JSON.ARRPOP", "item:2", "$.name"], [null]],
    [["JSON.SET", "key", "$", '[[], ["a"], ["a", "b"], ["a", "b", "c"]]'], "OK"],
    [
      ["JSON.ARRTRIM", "key", "$[*]", "0", "1"],
      [0, 1, 2, 2],
    ],
    [["JSON.GET", "key", "$"], '[[[],["a"],["a","b"],["a","b"]]]'],
  ],
  "JSON.OBJKEYS / OBJLEN": [
    [["JSON.SET", "doc", "$", '{"a":[3], "nested": {"a": {"b":2, "c": 1}}}'], "OK"],
    [
      ["JSON.OBJKEYS", "doc", "$..a"],
      [null, ["b", "c"]],
    ],
    [
      ["JSON.OBJLEN", "doc", "$..a"],
      [null, 2],
    ],
    [
      ["JSON.OBJKEYS", "doc"],
      ["a", "nested"],
    ],
  ],
  "JSON.TOGGLE": [
    [["JSON.SET", "doc", "$", '{"bool": true}'], "OK"],
    [["JSON.TOGGLE", "doc", "$.bool"], [0]],
    [["JSON.GET", "doc", "$"], '[{"bool":false}]'],
    [["JSON.TOGGLE", "doc", "$.bool"], [1]],
    [["JSON.TOGGLE", "doc", ".bool"], "false"],
  ],
  "JSON.CLEAR": [
    [
      [
        "JSON.SET",
        "doc",
        "$",
        '{"obj":{"a":1, "b":2}, "arr":[1,2,3], "str": "foo", "bool": true, "int": 42, "float": 3.14}',
      ],
      "OK",
    ],
    [["JSON.CLEAR", "doc", "$.*"], 4],
    [["JSON.GET", "doc", "$"], '[{"obj":{},"arr":[],"str":"foo","bool":true,"int":0,"float":0}]'],
  ],
  "JSON.MERGE": [
    [["JSON.SET", "doc", "$", '{"a":2}'], "OK"],
    [["JSON.MERGE", "doc", "$.b", "8"], "OK"],
    [["JSON.GET", "doc", "$"], '[{"a":2,"b":8}]'],
    [["JSON.MERGE", "doc", "$.a", "3"], "OK"],
    [["JSON.MERGE", "doc", "$", '{"a":null}'], "OK"],
    [["JSON.GET", "doc", "$"], '[{"b":8}]'],
    [["JSON.SET", "doc", "$", '{"a":[2,4,6,8]}'], "OK"],
    [["JSON.MERGE", "doc", "$.a", "[10,12]"], "OK"],
    [["JSON.GET", "doc", "$"], '[{"a":[10,12]}]'],
    [["JSON.SET", "doc", "$", '{"f1": {"a":1}, "f2":{"a":2}}'], "OK"],
    [["JSON.MERGE", "doc", "$", '{"f1": null, "f2":{"a":3, "b":4}, "f3":[2,4,6]}'], "OK"],
    [["JSON.GET", "doc", "$"], '[{"f2":{"a":3,"b":4},"f3":[2,4,6]}]'],
  ],
  "JSON.RESP": [
    [
      [
        "JSON.SET",
        "item:2",
        "$",
        '{"name":"Wireless earbuds","price":64.99,"stock":17,"colors":["black","white"],"ok":true,"n":null}',
      ],
      "OK",
    ],
    [
      ["JSON.RESP", "item:2"],
      [
        "{",
        "name",
        "Wireless earbuds",
        "price",
        "64.99",
        "stock",
        17,
        "colors",
        ["[", "black", "white"],
        "ok",
        "true",
        "n",
        null,
      ],
    ],
  ],
  "JSONPath filters": [
    [
      [
        "JSON.SET",
        "store",
        "$",
        '{"inventory":{"headphones":[{"id":12345,"name":"A","price":99.98,"wireless":true},{"id":12346,"name":"B","price":64.99,"wireless":true},{"id":12347,"name":"C","price":35.01,"wireless":false}]}}',
      ],
      "OK",
    ],
    [["JSON.GET", "store", "$..headphones[?(@.price < 70)].name"], '["B","C"]'],
    [["JSON.GET", "store", "$..headphones[?(@.price<70 && @.wireless==true)].id"], "[12346]"],
    [["JSON.GET", "store", '$..headphones[?(@.name =~ "^[AC]")].id'], "[12345,12347]"],
    [["JSON.GET", "store", "$.inventory.headphones[-1:].id"], "[12347]"],
    [["JSON.GET", "store", "$.inventory.headphones[0:3:2].id"], "[12345,12347]"],
    [["JSON.GET", "store", "$.inventory.headphones[0,2]['name']"], '["A","C"]'],
    [["JSON.GET", "store", "$.inventory.*[1].price"], "[64.99]"],
  ],
};

describe("RedisJSON documented examples", () => {
  for (const [name, steps] of Object.entries(FIXTURES)) {
    it(name, () => {
      const h = harness();
      for (const [argv, want] of steps) expect(h.r(...argv), argv.join(" ")).toEqual(want);
    });
  }
});

describe("bad input: clear errors, nothing half-written", () => {
  it("invalid JSON, a path into a scalar, overflow, depth, wrong types", () => {
    const h = harness();
    expect(h.r("JSON.SET", "d", "$", "{")).toBe(
      "!ERR EOF while parsing a value at line 1 column 2",
    );
    expect(h.r("JSON.SET", "d", "$", "nope")).toBe("!ERR expected value at line 1 column 1");
    expect(h.r("EXISTS", "d")).toBe(0);
    h.r("JSON.SET", "d", "$", '{"a":1,"n":1e308,"s":"x"}');
    expect(h.r("JSON.SET", "d", "$.a.b", "1")).toBeNull();
    expect(h.r("JSON.SET", "d", ".a.b", "1")).toBe("!ERR Path '.a.b' does not exist");
    expect(h.r("JSON.NUMINCRBY", "d", "$.n", "1e308")).toBe("!ERR result is not a number");
    expect(h.r("JSON.NUMMULTBY", "d", "$..*", "1e10")).toBe("!ERR result is not a number");
    expect(h.r("JSON.GET", "d")).toBe('{"a":1,"n":1e308,"s":"x"}');
    expect(h.r("JSON.NUMINCRBY", "d", "$.a", '"x"')).toMatch(/^!WRONGTYPE/);
    expect(h.r("JSON.NUMINCRBY", "d", "$.a", "9223372036854775807")).toBe("[9.223372036854776e18]");
    expect(h.r("JSON.NUMINCRBY", "nokey", "$.a", "1")).toBe(
      "!ERR could not perform this operation on a key that doesn't exist",
    );
    const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
    expect(h.r("JSON.SET", "deep", "$", deep(128))).toBe("OK");
    expect(h.r("JSON.SET", "deep2", "$", deep(129))).toMatch(/^!ERR recursion limit exceeded/);
    expect(h.r("JSON.SET", "d", "$.a", deep(128))).toMatch(/^!ERR nesting too deep/);
    expect(h.r("JSON.MSET", "m1", "$", "1", "m2", "$", "{bad")).toMatch(/^!ERR/);
    expect(h.r("EXISTS", "m1", "m2")).toBe(0);
    h.r("SET", "str", "x");
    expect(h.r("JSON.GET", "str")).toMatch(/^!WRONGTYPE/);
    expect(h.r("GET", "d")).toMatch(/^!WRONGTYPE/);
    expect(h.r("JSON.GET", "d", "$[")).toMatch(/^!ERR invalid JSONPath/);
  });
});

describe("a document as a key", () => {
  it("DEL, RENAME, EXPIRE, SCAN TYPE, COPY of the tree on write", () => {
    const h = harness();
    h.r("JSON.SET", "a", "$", '{"x":[1,2]}');
    h.r("SET", "s", "v");
    expect(h.r("SCAN", "0", "TYPE", "ReJSON-RL")).toEqual(["0", ["a"]]);
    expect(h.r("RENAME", "a", "b")).toBe("OK");
    expect(h.r("JSON.GET", "b", "$.x[1]")).toBe("[2]");
    expect(h.r("PEXPIRE", "b", "10")).toBe(1);
    h.now += 10;
    expect(h.r("EXISTS", "b")).toBe(0);
  });

  it("survives a restart of the object, floats and big integers exact", () => {
    const h = harness(true);
    const text =
      '{"f":1.0,"g":0.1,"i":-9223372036854775808,"e":1e-7,"big":1.5e300,"s":"é\\n","u":null}';
    h.r("JSON.SET", "d", "$", text);
    h.r("JSON.NUMINCRBY", "d", "$.f", "1");
    h.restart();
    expect(h.r("JSON.GET", "d")).toBe(
      '{"f":2.0,"g":0.1,"i":-9223372036854775808,"e":1e-7,"big":1.5e300,"s":"é\\n","u":null}',
    );
    expect(h.r("TYPE", "d")).toBe("ReJSON-RL");
    h.r("JSON.DEL", "d", "$.s");
    h.restart();
    expect(h.r("JSON.OBJKEYS", "d")).toEqual(["f", "g", "i", "e", "big", "u"]);
  });

  it("a rolled-back write (memory limit) leaves the document as it was", () => {
    const h = harness();
    h.r("JSON.SET", "d", "$", '{"a":[1]}');
    h.r("CONFIG", "SET", "maxmemory-policy", "noeviction");
    h.r("CONFIG", "SET", "maxmemory", "20");
    expect(h.r("JSON.ARRAPPEND", "d", "$.a", '"' + "x".repeat(50) + '"')).toMatch(/^!OOM/);
    expect(h.r("JSON.GET", "d")).toBe('{"a":[1]}');
  });
});

describe("text forms", () => {
  it("floats print as serde_json does", () => {
    const cases: [number, string][] = [
      [3, "3.0"],
      [0.1, "0.1"],
      [1e21, "1e21"],
      [1.5e-7, "1.5e-7"],
      [0.0001, "0.0001"],
      [1e16, "1e16"],
      [123456789012345.6, "123456789012345.6"],
      [-2.5, "-2.5"],
    ];
    for (const [x, s] of cases) expect(floatText(x), String(x)).toBe(s);
  });

  it("parse → print round-trips documents of integers, strings and containers", () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 4 }), (text) => {
        const v = parseJsonArg(text);
        const printed = toJsonText(v);
        const again = toJsonText(parseJsonArg(printed));
        return again === printed;
      }),
      { numRuns: 200 },
    );
  });
});

// ---- JSONPath against a model ------------------------------------------------------------------

/** A plain-JS model of a document (objects as records) and of a few path forms. */
type Model = null | boolean | number | string | Model[] | { [k: string]: Model };

const modelDoc = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.integer({ min: -100, max: 100 }),
    fc.constantFrom("a", "b", "x"),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom("a", "b", "c"), tie("value"), { maxKeys: 3 }),
  ),
})).value as fc.Arbitrary<Model>;

/** Children of a container in document order. */
function children(v: Model): Model[] {
  if (Array.isArray(v)) return v;
  if (v !== null && typeof v === "object") return Object.values(v);
  return [];
}

/** `$..name` in the model: every member `name`, a node before its descendants. */
function deepName(v: Model, name: string, out: Model[] = []): Model[] {
  if (v !== null && typeof v === "object" && !Array.isArray(v) && name in v) out.push(v[name]!);
  for (const c of children(v)) deepName(c, name, out);
  return out;
}

function toModel(v: JsonValue): Model {
  if (typeof v === "bigint") return Number(v);
  if (Array.isArray(v)) return v.map(toModel);
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, toModel(x)]));
  return v as Model;
}

describe("JSONPath against a model", () => {
  it("$..name, $.*, $[i] and $.name[*] select what the model selects", () => {
    fc.assert(
      fc.property(
        modelDoc,
        fc.constantFrom("a", "b", "c"),
        fc.integer({ min: -3, max: 3 }),
        (m, name, i) => {
          const root = parseJsonArg(JSON.stringify(m));
          const sel = (p: string) => evaluate(root, parsePath(p)).map((l) => toModel(l.value));
          expect(sel(`$..${name}`)).toEqual(deepName(m, name));
          expect(sel("$.*")).toEqual(children(m));
          const arr = Array.isArray(m) ? m : [];
          const j = i < 0 ? arr.length + i : i;
          expect(sel(`$[${i}]`)).toEqual(j >= 0 && j < arr.length ? [arr[j]] : []);
          const named =
            m !== null && typeof m === "object" && !Array.isArray(m) ? m[name] : undefined;
          expect(sel(`$.${name}[*]`)).toEqual(named === undefined ? [] : children(named));
          expect(sel(`$.${name}`)).toEqual(named === undefined ? [] : [named]);
          // A legacy path selects the first match only.
          expect(sel(`..${name}`)).toEqual(deepName(m, name).slice(0, 1));
        },
      ),
    );
  });

  it("filters agree with the model's predicate", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ a: fc.integer({ min: 0, max: 9 }) }), { maxLength: 6 }),
        fc.integer({ min: 0, max: 9 }),
        (items, k) => {
          const root = parseJsonArg(JSON.stringify(items));
          const got = evaluate(root, parsePath(`$[?(@.a > ${k})].a`)).map((l) => Number(l.value));
          expect(got).toEqual(items.filter((x) => x.a > k).map((x) => x.a));
        },
      ),
    );
  });
});
