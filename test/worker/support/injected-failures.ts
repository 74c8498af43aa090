// workerd's own log lines about failures the workerd test projects provoke on purpose. The
// Worker's console.error lines about them are silenced inside the tests (vi.spyOn), but workerd
// logs every exception an RPC method or a stream throws ("uncaught exception; …" with its stack)
// from the pool in vitest's main process, where no test can reach it. This filter, installed by
// vitest.config.ts, drops those lines when they name a deliberate failure and counts them; any
// other line, and any uncaught exception that does not carry one of these markers, is printed.

/** The failures the tests inject, by the text their errors carry. */
const INJECTED: readonly RegExp[] = [
  // test/worker-sharded/failure.test.ts: a shard whose runShard throws.
  /\(expected: test\/worker-sharded\/failure\.test\.ts\)|\(injected, expected\)/,
  // test/worker/export-import.test.ts "a newer snapshot during an export cuts it short".
  /a newer snapshot replaced the one being exported/,
];

let hidden = 0;

/** Whether a chunk of output is workerd's report of an injected failure. */
export function isInjectedFailure(text: string): boolean {
  return text.startsWith("uncaught exception") && INJECTED.some((re) => re.test(text));
}

type Write = typeof process.stderr.write;

/** Wraps process.stdout/stderr so injected failures' lines are counted instead of printed. */
export function quietInjectedFailures(): void {
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as Write;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (typeof chunk === "string" && isInjectedFailure(chunk)) {
        hidden++;
        const done = rest.find((r) => typeof r === "function") as (() => void) | undefined;
        done?.();
        return true;
      }
      return (write as (c: unknown, ...r: unknown[]) => boolean)(chunk, ...rest);
    }) as Write;
  }
  process.on("exit", () => {
    if (hidden > 0)
      process.stdout.write(
        `(${hidden} workerd log lines about injected failures were expected and not shown)\n`,
      );
  });
}
