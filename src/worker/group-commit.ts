// Group commit: while one commit is on its way to durable storage, batches from other events
// (HTTP requests, messages on other WebSockets) wait; when it is confirmed, all of them run one
// after another in a single turn and are committed once. With one client nothing waits: a batch
// runs at once in its own event. Each batch still runs whole and alone (no await inside it), and
// replies leave through the output gate only once their writes are durable (spec §13.1).

/**
 * A script paused between slices (src/engine/scripting/busy-script.ts), as the group sees it:
 * batches wait while it holds them (under busy-reply-threshold), run past it (the engine answers
 * them BUSY), and the group resumes it on a timer so the event loop turns between slices.
 */
export interface PausedScript {
  /** A script is paused. */
  paused(): boolean;
  /** Batches arriving now wait for it. */
  holds(now: number): boolean;
  /** Runs its next slice; false once it has ended. */
  resume(now: number): boolean;
}

interface Pending {
  work: () => unknown;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

export class GroupCommit {
  private queue: Pending[] = [];
  /** A commit has been issued and is not yet confirmed durable. */
  private inFlight = false;
  private readonly commit: () => boolean;
  private readonly durable: () => Promise<void>;
  private readonly script: PausedScript | undefined;
  /** A timer to resume the paused script is set. */
  private resuming = false;

  /**
   * `commit` writes what the batches changed (false: nothing to write, as while a script is
   * paused: its writes commit once, when it ends); `durable` resolves when written data is durable.
   */
  constructor(commit: () => boolean, durable: () => Promise<void>, script?: PausedScript) {
    this.commit = commit;
    this.durable = durable;
    this.script = script;
  }

  /** A paused script holds batches arriving now. */
  private holding(): boolean {
    return this.script !== undefined && this.script.paused() && this.script.holds(Date.now());
  }

  /** Runs `work` (synchronous, no commit of its own) now, or with the next group. */
  submit<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.inFlight && !this.holding()) this.drain();
    });
  }

  /**
   * Like `submit`, but when nothing is waiting runs `work` at once and returns its value itself:
   * no promise and no extra turn for the common uncontended batch. A throw propagates.
   */
  runOrQueue<T>(work: () => T): T | Promise<T> {
    if (this.inFlight || this.queue.length || this.holding()) return this.submit(work);
    try {
      return work();
    } finally {
      this.commitGroup();
      this.resumeLater();
    }
  }

  /** Commits what the group changed; a write holds later groups until it is durable. */
  private commitGroup(): void {
    // Reads wrote nothing: the next event need not wait for a durability confirmation.
    if (!this.commit()) return;
    this.inFlight = true;
    this.durable().then(
      () => this.confirmed(),
      () => this.confirmed(),
    );
  }

  private drain(): void {
    const all = this.queue;
    this.queue = [];
    const results: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    for (const p of all) {
      // A script of this group paused under its threshold: the rest wait for it, as batches
      // arriving now do, rather than be answered BUSY at once.
      if (results.length && this.holding()) break;
      try {
        results.push({ ok: true, value: p.work() });
      } catch (e) {
        results.push({ ok: false, error: e });
      }
    }
    const group = all.slice(0, results.length);
    this.queue = all.slice(results.length);
    try {
      this.commitGroup();
    } catch (e) {
      for (const p of group) p.reject(e);
      return;
    } finally {
      this.resumeLater();
    }
    group.forEach((p, i) => {
      const r = results[i]!;
      if (r.ok) p.resolve(r.value);
      else p.reject(r.error);
    });
  }

  /** Sets the timer that resumes a paused script (after the event loop has turned). */
  private resumeLater(): void {
    if (this.resuming || !this.script?.paused()) return;
    this.resuming = true;
    setTimeout(() => this.resumeScript(), 0);
  }

  /**
   * One slice of the paused script. When it ends, its writes and those of the batches queued
   * behind it commit once; while it runs on past its threshold, the batches that arrived are
   * run (answered BUSY, or SCRIPT KILL), the rest keep waiting.
   */
  private resumeScript(): void {
    this.resuming = false;
    const script = this.script!;
    let running: boolean;
    try {
      running = script.resume(Date.now());
    } catch (e) {
      console.error("blink-edge: resuming a script failed", e);
      running = script.paused();
    }
    if (!running) {
      this.commitGroup();
      if (!this.inFlight && this.queue.length) this.drain();
      return;
    }
    if (this.queue.length && !script.holds(Date.now())) this.drain();
    this.resumeLater();
  }

  private confirmed(): void {
    this.inFlight = false;
    if (this.queue.length && !this.holding()) this.drain();
  }
}
