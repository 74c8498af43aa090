// The script the fault test's script doors run (issue 15): two writes in one script, the writer's
// key and an append to the writer's log, so an acknowledged script must be found whole.

import { createHash } from "node:crypto";

/** SET KEYS[1] ARGV[1]; RPUSH KEYS[2] ARGV[1]; replies +OK. */
export const WRITE_SCRIPT = `redis.call('SET', KEYS[1], ARGV[1])
redis.call('RPUSH', KEYS[2], ARGV[1])
return redis.status_reply('OK')`;

/** Its SHA1, for EVALSHA (the namespace must have it loaded: SCRIPT LOAD first). */
export const WRITE_SCRIPT_SHA = createHash("sha1").update(WRITE_SCRIPT).digest("hex");

/** The log key of the writer that wrote `key` (writer keys are `<prefix>:<seq|counter>`). */
export function scriptLogKey(key: string): string {
  return `${key.slice(0, key.lastIndexOf(":"))}:log`;
}
