// Engine.params: Redis's tuning parameters by name, a Map that reports every change so the
// engine can act on the ones it reads (notify-keyspace-events).

/** A Map that tells its owner of every change (Engine.params: loaded, or set by CONFIG). */
export class ParamMap extends Map<string, string> {
  private readonly changed: (name: string, value: string | undefined) => void;
  constructor(changed: (name: string, value: string | undefined) => void) {
    super();
    this.changed = changed;
  }
  override set(name: string, value: string): this {
    super.set(name, value);
    // Map's constructor calls set before the field exists.
    this.changed?.(name, value);
    return this;
  }
  override delete(name: string): boolean {
    const had = super.delete(name);
    this.changed(name, undefined);
    return had;
  }
  override clear(): void {
    const names = [...this.keys()];
    super.clear();
    for (const n of names) this.changed(n, undefined);
  }
}
