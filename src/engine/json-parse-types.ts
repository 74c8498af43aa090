// The JSON parser's public types (json-parse.ts): number tokens kept as source text, the
// options, and the error every invalid input raises.

/** A number token kept as its source text (`opts.numbersAsSource`; Upstash arguments, §11.1). */
export class JsonNumberSource {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
}

/** The JSON model with number tokens as source text (what `numbersAsSource: true` returns). */
export type JsonValueWithSource =
  | null
  | boolean
  | string
  | bigint
  | number
  | JsonNumberSource
  | JsonValueWithSource[]
  | Map<string, JsonValueWithSource>;

/** Options of `parseJson`. */
export type ParseJsonOptions = {
  /** Deepest allowed container nesting (`[]` is depth 1); default NESTING_MAX_DEPTH. */
  maxDepth?: number;
  /** Return every number token as a JsonNumberSource instead of bigint/number. */
  numbersAsSource?: boolean;
};

/** Any invalid JSON input; `message` is a short reason ("invalid JSON", "nesting too deep" …). */
export class JsonParseError extends Error {
  /** UTF-16 offset in the text where parsing failed (-1 for undecodable bytes). */
  readonly position: number;
  constructor(message: string, position: number) {
    super(message);
    this.name = "JsonParseError";
    this.position = position;
  }
}
