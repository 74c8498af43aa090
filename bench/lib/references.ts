// The reference servers of the benchmark, each started on a loopback port of its own in the same
// run and stopped by PID: Debian's redis-server, the original Blink-Store binary and the original
// Light-Redis (Flask). Nothing here downloads or builds them; the paths come from the command line
// or the environment (see REFERENCE_HELP).

import { accessSync, constants, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startServer } from "./processes.ts";
import type { Started } from "./processes.ts";

/** How to provide the two originals (printed by `bench/run.ts --help`). */
export const REFERENCE_HELP = `Reference servers (started and stopped by the benchmark, loopback only):
  redis-server     Debian's redis-server on PATH (apt-get install -y redis-server redis-tools).
  Blink-Store      --blink-store PATH or BLINK_STORE_BIN: the binary the original repository commits.
                   From a mirror of github.com/ashokdudhade/blink-store (a git directory GIT):
                     git --git-dir GIT show HEAD:bin/blink-store > /tmp/blink-store && chmod +x /tmp/blink-store
  Light-Redis      --light-redis DIR or LIGHT_REDIS_DIR: a checkout of github.com/sabbiramin113008/light-redis
                   (the folder holding lightredis.py). From a mirror (git directory GIT):
                     mkdir /tmp/light-redis && git --git-dir GIT archive HEAD | tar -x -C /tmp/light-redis
                   It runs on Debian's /usr/bin/python3 with python3-flask python3-waitress
                   python3-requests python3-apscheduler; the benchmark supplies a stand-in
                   flask_apscheduler module (not packaged in Debian).
Never commit either original (or a script that fetches or builds it) to this repository.`;

const PYTHON = "/usr/bin/python3";
/** Blink-Store's memory limit: far above what the load stores, so nothing is evicted. */
const BLINK_STORE_MEMORY_LIMIT = 1024 * 1024 * 1024;

/** Stand-in for Flask-APScheduler: runs the snapshot job on its interval, as the real one does. */
const FLASK_APSCHEDULER_STANDIN = `from apscheduler.schedulers.background import BackgroundScheduler

class APScheduler:
    def __init__(self):
        self.api_enabled = False
        self._scheduler = BackgroundScheduler()

    def init_app(self, app):
        self.app = app

    def start(self):
        self._scheduler.start()

    def task(self, trigger, id=None, **kwargs):
        def decorate(fn):
            self._scheduler.add_job(fn, trigger, id=id, **kwargs)
            return fn
        return decorate
`;

/** A path from `--name VALUE` or the environment; null when neither is set. */
export function pathOption(args: readonly string[], name: string, env: string): string | null {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : (process.env[env] ?? null);
}

/** Why the Blink-Store binary at `bin` cannot run, or null when it can. */
export function blinkStoreProblem(bin: string | null): string | null {
  if (!bin) return "no path given (--blink-store PATH or BLINK_STORE_BIN)";
  try {
    accessSync(bin, constants.X_OK);
    return null;
  } catch {
    return `${bin} is not an executable file`;
  }
}

/** Why Light-Redis in `dir` cannot run, or null when it can. */
export function lightRedisProblem(dir: string | null): string | null {
  if (!dir) return "no folder given (--light-redis DIR or LIGHT_REDIS_DIR)";
  if (!existsSync(join(dir, "lightredis.py"))) return `${dir} has no lightredis.py`;
  try {
    execFileSync(PYTHON, ["-c", "import flask, waitress, requests, apscheduler"], {
      stdio: "ignore",
    });
    return null;
  } catch {
    return `${PYTHON} cannot import flask, waitress, requests, apscheduler (apt-get install -y python3-flask python3-waitress python3-requests python3-apscheduler)`;
  }
}

/** redis-server on a free loopback port, no persistence, its files in a temp folder. */
export async function startRedisServer(): Promise<Started & { version: string }> {
  const version =
    /v=(\S+)/.exec(execFileSync("redis-server", ["--version"], { encoding: "utf8" }))?.[1] ?? "?";
  const dir = mkdtempSync(join(tmpdir(), "bench-redis-"));
  const port = await freePort();
  const s = await startServer(
    "redis-server",
    [
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--dir",
      dir,
      "--logfile",
      "",
    ],
    port,
  );
  return {
    ...s,
    version,
    stop: () => s.stop().finally(() => rmSync(dir, { recursive: true, force: true })),
  };
}

/** The original Blink-Store serving TCP on a free loopback port. */
export async function startBlinkStore(bin: string): Promise<Started> {
  const port = await freePort();
  return startServer(
    bin,
    ["serve", "--tcp", `127.0.0.1:${port}`, "--memory-limit", String(BLINK_STORE_MEMORY_LIMIT)],
    port,
  );
}

/**
 * The original Light-Redis (lightredis.py, unchanged) on a free loopback port, run from a temp
 * folder (it writes db.json to its working directory) that also holds the flask_apscheduler
 * stand-in on PYTHONPATH.
 */
export async function startLightRedis(dir: string): Promise<Started> {
  const work = mkdtempSync(join(tmpdir(), "bench-light-redis-"));
  writeFileSync(join(work, "flask_apscheduler.py"), FLASK_APSCHEDULER_STANDIN);
  const port = await freePort();
  try {
    const s = await startServer(
      PYTHON,
      [join(dir, "lightredis.py"), "-H", "127.0.0.1", "-P", String(port)],
      port,
      {
        cwd: work,
        env: { ...process.env, PYTHONPATH: work, PYTHONDONTWRITEBYTECODE: "1" },
      },
    );
    return {
      ...s,
      stop: () => s.stop().finally(() => rmSync(work, { recursive: true, force: true })),
    };
  } catch (e) {
    rmSync(work, { recursive: true, force: true });
    throw e;
  }
}
