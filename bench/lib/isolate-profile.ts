// A CPU profile of the Worker's isolate over the inspector (bench/profile.ts,
// bench/big-value-profile.ts): the sampling profiler runs while `work` does, and each function's
// self time comes back summed.

import WebSocket from "ws";

/** One function's self time in a profile: samples taken in it, and the milliseconds they cover. */
export interface SelfTime {
  samples: number;
  ms: number;
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
}

/**
 * Profiles the isolate `blink-edge` behind the inspector on `port` while `work` runs, sampling
 * every `intervalUs`; returns what `work` returned and the self time by "function file:line".
 */
export async function profileIsolate<T>(
  port: number,
  intervalUs: number,
  work: () => Promise<T>,
): Promise<{ result: T; self: Map<string, SelfTime>; samples: number }> {
  const insp = new WebSocket(`ws://127.0.0.1:${port}/core:user:blink-edge`);
  await new Promise((r) => insp.once("open", r));
  let id = 0;
  const rpc = (method: string, params = {}) =>
    new Promise<Record<string, unknown>>((resolve) => {
      const my = ++id;
      const onMessage = (d: Buffer) => {
        const m = JSON.parse(String(d));
        if (m.id !== my) return;
        insp.off("message", onMessage);
        resolve(m.result);
      };
      insp.on("message", onMessage);
      insp.send(JSON.stringify({ id: my, method, params }));
    });
  try {
    await rpc("Profiler.enable");
    await rpc("Profiler.setSamplingInterval", { interval: intervalUs });
    await rpc("Profiler.start");
    const result = await work();
    const { profile } = (await rpc("Profiler.stop")) as { profile: CpuProfile };
    const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
    const self = new Map<string, SelfTime>();
    profile.samples.forEach((s, i) => {
      const f = nodes.get(s)!.callFrame;
      const name = `${f.functionName || "(anonymous)"} ${f.url.split("/").pop()}:${f.lineNumber}`;
      const t = self.get(name) ?? { samples: 0, ms: 0 };
      t.samples++;
      t.ms += (profile.timeDeltas[i] ?? 0) / 1000;
      self.set(name, t);
    });
    return { result, self, samples: profile.samples.length };
  } finally {
    insp.close();
  }
}
