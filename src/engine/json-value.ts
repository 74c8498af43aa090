// The JSON value model shared by every door that carries JSON (spec §3.3).
// Integers are bigint (exact, any size); every JS number is a float (so 1.0 stays a float);
// objects are Maps (member order kept; a repeated member keeps the first position, last value).
// Parsing and Python-compatible printing live in src/protocols/python-json.ts.

export type JsonValue = null | boolean | string | bigint | number | JsonValue[] | JsonObject;
export type JsonObject = Map<string, JsonValue>;

/** True for a JSON object value. */
export function isJsonObject(v: JsonValue): v is JsonObject {
  return v instanceof Map;
}
