// A long one-char-per-byte string kept as a balanced tree of concatenations over fixed-size
// leaves, so that changing a few bytes costs one leaf rebuilt and a logarithmic number of
// concatenations instead of a new multi-megabyte string. V8 represents `a + b` of long strings
// as a rope (ConsString) without copying, and flattens it only when its characters are read
// (a GET, persistence), once per new root.

/** Bytes per leaf. */
export const LEAF_BYTES = 1024;

/** Latin-1 text of bytes[from, to): one char per byte. */
export function latin1(bytes: Uint8Array, from: number, to: number): string {
  let out = "";
  const CHUNK = 8192;
  for (let i = from; i < to; i += CHUNK) {
    out += String.fromCharCode.apply(
      null,
      bytes.subarray(i, Math.min(i + CHUNK, to)) as unknown as number[],
    );
  }
  return out;
}

export class LeafTree {
  /** levels[0] are the leaves; levels[k][i] = levels[k-1][2i] + levels[k-1][2i+1]. */
  private readonly levels: string[][];

  private constructor(leaves: string[]) {
    this.levels = [leaves];
    this.rebuildAbove(Array.from(leaves.keys()));
  }

  /** The tree of chars [off, off + length) of an existing string: its leaves are slices of it. */
  static ofString(s: string, off: number, length: number): LeafTree {
    const leaves: string[] = [];
    for (let i = 0; i < length; i += LEAF_BYTES) {
      leaves.push(s.slice(off + i, off + Math.min(i + LEAF_BYTES, length)));
    }
    return new LeafTree(leaves);
  }

  /** The tree of bytes[0, length). */
  static ofBytes(bytes: Uint8Array, length: number): LeafTree {
    const leaves: string[] = [];
    for (let i = 0; i < length; i += LEAF_BYTES) {
      leaves.push(latin1(bytes, i, Math.min(i + LEAF_BYTES, length)));
    }
    return new LeafTree(leaves);
  }

  /** The whole string. */
  get root(): string {
    return this.levels[this.levels.length - 1]![0] ?? "";
  }

  /**
   * Rebuilds the leaves holding the changed byte positions, and every leaf from `oldLength` on
   * (the string grew to `length`), then their ancestors.
   */
  update(bytes: Uint8Array, length: number, changed: readonly number[], oldLength: number): void {
    const leaves = this.levels[0]!;
    const touched = new Set<number>();
    for (const p of changed) touched.add((p / LEAF_BYTES) | 0);
    if (length > oldLength) {
      const last = Math.ceil(length / LEAF_BYTES);
      for (let i = (oldLength / LEAF_BYTES) | 0; i < last; i++) touched.add(i);
    }
    const idx = [...touched].sort((a, b) => a - b);
    for (const i of idx) {
      leaves[i] = latin1(bytes, i * LEAF_BYTES, Math.min((i + 1) * LEAF_BYTES, length));
    }
    this.rebuildAbove(idx);
  }

  /** Recomputes the ancestors of the given (sorted) leaf indexes, level by level. */
  private rebuildAbove(changed: number[]): void {
    let idx = changed;
    for (let k = 1; this.levels[k - 1]!.length > 1; k++) {
      const below = this.levels[k - 1]!;
      const level = this.levels[k] ?? (this.levels[k] = []);
      level.length = Math.ceil(below.length / 2);
      const next: number[] = [];
      for (const i of idx) {
        const j = i >> 1;
        if (next[next.length - 1] === j) continue;
        next.push(j);
        level[j] = 2 * j + 1 < below.length ? below[2 * j]! + below[2 * j + 1]! : below[2 * j]!;
      }
      idx = next;
    }
  }
}
