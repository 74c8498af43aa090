// What the busy-script tests of the workerd projects share (test/worker/busy-script-http.test.ts,
// test/worker-sharded/busy-script.test.ts): the endless script and Redis 7.0.15's texts.

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A script that runs until it is killed. */
export const LOOP = "while true do end";
/** Redis's answer to other clients while a script is busy. */
export const BUSY =
  "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
/** A killed EVAL's error. */
export const KILLED =
  /^ERR Script killed by user with SCRIPT KILL\.\.\. script: \w{40}, on @user_script:1\.$/;
