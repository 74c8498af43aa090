// Group commit: while one commit is on its way to durable storage, batches from other events
// (HTTP requests, messages on other WebSockets) wait; when it is confirmed, all of them run one
// after another in a single turn and are committed once. With one client nothing waits: a batch
// runs at once in its own event. Each batch still runs whole and alone (no await inside it), and
// replies leave through the output gate only once their writes are durable (spec §13.1).

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

  /**
   * `commit` writes what the batches changed (false: nothing to write); `durable` resolves when
   * written data is durable.
   */
  constructor(commit: () => boolean, durable: () => Promise<void>) {
    this.commit = commit;
    this.durable = durable;
  }

  /** Runs `work` (synchronous, no commit of its own) now, or with the next group. */
  submit<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (!this.inFlight) this.drain();
    });
  }

  /**
   * Like `submit`, but when nothing is waiting runs `work` at once and returns its value itself:
   * no promise and no extra turn for the common uncontended batch. A throw propagates.
   */
  runOrQueue<T>(work: () => T): T | Promise<T> {
    if (this.inFlight || this.queue.length) return this.submit(work);
    try {
      return work();
    } finally {
      this.commitGroup();
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
    const group = this.queue;
    this.queue = [];
    const results = group.map((p) => {
      try {
        return { ok: true as const, value: p.work() };
      } catch (e) {
        return { ok: false as const, error: e };
      }
    });
    try {
      this.commitGroup();
    } catch (e) {
      for (const p of group) p.reject(e);
      return;
    }
    group.forEach((p, i) => {
      const r = results[i]!;
      if (r.ok) p.resolve(r.value);
      else p.reject(r.error);
    });
  }

  private confirmed(): void {
    this.inFlight = false;
    if (this.queue.length) this.drain();
  }
}
