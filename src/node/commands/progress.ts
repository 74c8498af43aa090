// Progress of `blink-edge export` / `import` on stderr: a redrawn bar on a terminal, plain lines
// at most once a second otherwise (logs, CI), and one summary line at the end either way.

const BAR_WIDTH = 24;
const TTY_REDRAW_MS = 100;
const LINE_EVERY_MS = 1000;
const MS_PER_S = 1000;
const KIB = 1024;

/** Bytes in human units (B, KiB, MiB, GiB). */
export function formatBytes(n: number): string {
  if (n < KIB) return `${n} B`;
  const units = ["KiB", "MiB", "GiB", "TiB"];
  let x = n / KIB;
  let u = 0;
  while (x >= KIB && u < units.length - 1) {
    x /= KIB;
    u++;
  }
  return `${x.toFixed(1)} ${units[u]}`;
}

export interface ProgressOptions {
  /** e.g. "blink-edge import". */
  label: string;
  /** Where to write (stderr). */
  out: NodeJS.WriteStream;
  /** Known totals, for a percentage. */
  totalKeys?: number;
  totalBytes?: number;
  /** Draw progress while running (off: only the final line, e.g. when data goes to the same terminal). */
  live?: boolean;
  /** Clock, for tests. */
  now?: () => number;
}

export class Progress {
  keys = 0;
  bytes = 0;
  readonly started: number;
  private readonly opts: ProgressOptions;
  private readonly now: () => number;
  private readonly tty: boolean;
  private lastDraw = 0;
  private drawn = false;

  constructor(opts: ProgressOptions) {
    this.opts = opts;
    this.now = opts.now ?? (() => performance.now());
    this.started = this.now();
    this.tty = opts.out.isTTY === true;
  }

  /** Sets a total learned late (the export header's key count). */
  setTotalKeys(n: number): void {
    this.opts.totalKeys = n;
  }

  /** Records progress and redraws when due. */
  update(keys: number, bytes: number): void {
    this.keys = keys;
    this.bytes = bytes;
    if (this.opts.live === false) return;
    const t = this.now();
    if (t - this.lastDraw < (this.tty ? TTY_REDRAW_MS : LINE_EVERY_MS)) return;
    this.lastDraw = t;
    this.draw();
  }

  /** Keys per second so far. */
  rate(): number {
    const s = (this.now() - this.started) / MS_PER_S;
    return s > 0 ? this.keys / s : 0;
  }

  /** Elapsed seconds. */
  elapsed(): number {
    return (this.now() - this.started) / MS_PER_S;
  }

  /** Clears the bar and prints the final line. */
  finish(summary: string): void {
    if (this.tty && this.drawn) this.opts.out.write("\r\x1b[K");
    this.opts.out.write(`${this.opts.label}: ${summary}\n`);
  }

  /** Removes the bar before an error message. */
  clear(): void {
    if (this.tty && this.drawn) this.opts.out.write("\r\x1b[K");
    this.drawn = false;
  }

  private fraction(): number | undefined {
    const { totalKeys, totalBytes } = this.opts;
    if (totalKeys) return Math.min(1, this.keys / totalKeys);
    if (totalBytes) return Math.min(1, this.bytes / totalBytes);
    return undefined;
  }

  private draw(): void {
    const f = this.fraction();
    const figures = `${this.keys} keys, ${formatBytes(this.bytes)}, ${Math.round(this.rate())} keys/s`;
    if (!this.tty) {
      const pct = f === undefined ? "" : ` (${Math.floor(f * 100)}%)`;
      this.opts.out.write(`${this.opts.label}: ${figures}${pct}\n`);
      return;
    }
    const filled = f === undefined ? 0 : Math.round(f * BAR_WIDTH);
    const bar =
      f === undefined
        ? ""
        : `[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}] ${String(Math.floor(f * 100)).padStart(3)}% `;
    this.opts.out.write(`\r\x1b[K${this.opts.label} ${bar}${figures}`);
    this.drawn = true;
  }
}
