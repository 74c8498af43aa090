// Redis's pqsort (pqsort.c, Bentley & McIlroy's quicksort that only recurses into partitions
// overlapping [lrange, rrange]), ported step for step so that the first COUNT results of a geo
// search come out in Redis's order even among equal distances, where a stable sort would not.

type Cmp<T> = (a: T, b: T) => number;

/** Sorts `a` enough that positions lrange..rrange (inclusive) hold what a full sort would put there. */
export function pqsort<T>(a: T[], cmp: Cmp<T>, lrange: number, rrange: number): void {
  sortRange(a, 0, a.length, cmp, lrange, rrange);
}

function swap<T>(a: T[], i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

function vecswap<T>(a: T[], i: number, j: number, n: number): void {
  for (let k = 0; k < n; k++) swap(a, i + k, j + k);
}

function med3<T>(a: T[], i: number, j: number, k: number, cmp: Cmp<T>): number {
  return cmp(a[i]!, a[j]!) < 0
    ? cmp(a[j]!, a[k]!) < 0
      ? j
      : cmp(a[i]!, a[k]!) < 0
        ? k
        : i
    : cmp(a[j]!, a[k]!) > 0
      ? j
      : cmp(a[i]!, a[k]!) < 0
        ? i
        : k;
}

/** _pqsort on a[base, base + n), with element indexes standing for C's pointers (es = 1). */
function sortRange<T>(a: T[], base: number, n: number, cmp: Cmp<T>, lr: number, rr: number): void {
  for (;;) {
    if (n < 7) {
      for (let pm = base + 1; pm < base + n; pm++)
        for (let pl = pm; pl > base && cmp(a[pl - 1]!, a[pl]!) > 0; pl--) swap(a, pl, pl - 1);
      return;
    }
    let pm = base + (n >>> 1);
    if (n > 7) {
      let pl = base;
      let pn = base + n - 1;
      if (n > 40) {
        const d = Math.floor(n / 8);
        pl = med3(a, pl, pl + d, pl + 2 * d, cmp);
        pm = med3(a, pm - d, pm, pm + d, cmp);
        pn = med3(a, pn - 2 * d, pn - d, pn, cmp);
      }
      pm = med3(a, pl, pm, pn, cmp);
    }
    swap(a, base, pm);
    let pa = base + 1;
    let pb = pa;
    let pc = base + n - 1;
    let pd = pc;
    for (;;) {
      let c: number;
      while (pb <= pc && (c = cmp(a[pb]!, a[base]!)) <= 0) {
        if (c === 0) swap(a, pa++, pb);
        pb++;
      }
      while (pb <= pc && (c = cmp(a[pc]!, a[base]!)) >= 0) {
        if (c === 0) swap(a, pc, pd--);
        pc--;
      }
      if (pb > pc) break;
      swap(a, pb++, pc--);
    }
    const pn = base + n;
    let r = Math.min(pa - base, pb - pa);
    vecswap(a, base, pb - r, r);
    r = Math.min(pd - pc, pn - pd - 1);
    vecswap(a, pb, pn - r, r);
    if ((r = pb - pa) > 1) {
      const l = base;
      const rEnd = base + r - 1;
      if (!((lr < l && rr < l) || (lr > rEnd && rr > rEnd))) sortRange(a, base, r, cmp, lr, rr);
    }
    if ((r = pd - pc) > 1) {
      base = pn - r;
      n = r;
      const rEnd = base + r - 1;
      if (!((lr < base && rr < base) || (lr > rEnd && rr > rEnd))) continue;
    }
    return;
  }
}
