// Splitting an input stream into request bodies at line boundaries, each at most a byte and line
// budget, without holding more than one body in memory.

import { RuntimeError } from "./command.ts";
import type { Readable } from "node:stream";

const LF = 0x0a;

/** One request body: whole lines (each with its `\n`), and where they were in the input. */
export interface LineBatch {
  body: Buffer;
  /** 1-based input line number of the first line in `body`. */
  firstLine: number;
  /** Lines in `body`. */
  lines: string[] | null;
  lineCount: number;
}

export interface BatchLimits {
  maxBytes: number;
  /** A longer line than `maxBytes` goes alone in a request, up to this (default `maxBytes`). */
  lineMax?: number;
  maxLines: number;
  /** Keep each line's text in the batch (the Blink import needs them; JSON lines do not). */
  keepText?: boolean;
}

/** A line longer than a request may be. */
export class LineTooLong extends Error {
  readonly line: number;
  constructor(line: number, max: number) {
    super(`line ${line} is longer than one request may be (${max} bytes)`);
    this.line = line;
  }
}

/**
 * The RuntimeError for a failure while reading an import's input: a line too long, or the
 * stream's own error (a RuntimeError from sending passes through).
 */
export function inputFailure(label: string, e: unknown): RuntimeError {
  if (e instanceof LineTooLong) return new RuntimeError(`${label}: ${e.message}`);
  if (e instanceof RuntimeError) return e;
  const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
  return new RuntimeError(`${label}: cannot read the input (${code})`);
}

/** Batches of whole lines; a last line without `\n` is still a line. */
export async function* lineBatches(
  input: Readable,
  limits: BatchLimits,
): AsyncGenerator<LineBatch> {
  let parts: Buffer[] = [];
  let size = 0;
  let count = 0;
  let first = 1;
  let texts: string[] | null = limits.keepText ? [] : null;
  let lineNo = 0;
  let pending: Buffer[] = [];
  let pendingSize = 0;

  const flush = (): LineBatch => {
    const b: LineBatch = {
      body: Buffer.concat(parts, size),
      firstLine: first,
      lines: texts,
      lineCount: count,
    };
    parts = [];
    size = 0;
    first = lineNo + 1;
    count = 0;
    texts = limits.keepText ? [] : null;
    return b;
  };
  const lineMax = limits.lineMax ?? limits.maxBytes;
  const add = function* (line: Buffer): Generator<LineBatch> {
    lineNo++;
    if (line.length > lineMax) throw new LineTooLong(lineNo, lineMax);
    if (count > 0 && (size + line.length > limits.maxBytes || count === limits.maxLines)) {
      lineNo--;
      yield flush();
      lineNo++;
    }
    parts.push(line);
    size += line.length;
    count++;
    texts?.push(line.toString("utf8").replace(/\n$/, ""));
  };

  for await (const c of input) {
    const chunk = typeof c === "string" ? Buffer.from(c) : (c as Buffer);
    let start = 0;
    for (let i = chunk.indexOf(LF); i >= 0; i = chunk.indexOf(LF, start)) {
      const piece = chunk.subarray(start, i + 1);
      const line = pendingSize ? Buffer.concat([...pending, piece]) : piece;
      pending = [];
      pendingSize = 0;
      start = i + 1;
      yield* add(line);
    }
    if (start < chunk.length) {
      pending.push(chunk.subarray(start));
      pendingSize += chunk.length - start;
      if (pendingSize > lineMax) throw new LineTooLong(lineNo + 1, lineMax);
    }
  }
  if (pendingSize) yield* add(Buffer.concat(pending));
  if (count > 0) yield flush();
}
