// The REPL's keys: Tab cycling through completions and the hint drawn after the cursor, as
// redis-cli's linenoise does them, on Node's readline.

import type { Interface, Key } from "node:readline";
import { complete } from "./completion.ts";
import { HINT_COLOR, hintFor } from "./hints.ts";
import type { LineGate } from "./line-gate.ts";

const ESC = "\x1b[";

interface Cycle {
  /** Text before the completed word. */
  base: string;
  word: string;
  options: string[];
  index: number;
  /** What the line before the cursor was after the last Tab. */
  shown: string;
}

/** Hooks Tab cycling and hints into a readline; `busy` holds both off while a command runs. */
export function attachKeys(
  rl: Interface,
  input: LineGate,
  output: NodeJS.WritableStream & { columns?: number },
  busy: () => boolean,
): { detach(): void } {
  let hintShown = false;
  let cycle: Cycle | undefined;

  const replaceBeforeCursor = (text: string) => {
    rl.write(null, { ctrl: true, name: "u" });
    rl.write(text);
  };

  const onTab = () => {
    const before = rl.line.slice(0, rl.cursor);
    if (!cycle || before !== cycle.shown) {
      const c = complete(before);
      cycle = c.options.length
        ? {
            base: before.slice(0, c.start),
            word: c.word,
            options: c.options,
            index: -1,
            shown: before,
          }
        : undefined;
      if (!cycle) return;
    }
    // Past the last candidate comes the word as typed (linenoise does the same), unless only one.
    const slots = cycle.options.length === 1 ? 1 : cycle.options.length + 1;
    cycle.index = (cycle.index + 1) % slots;
    const text = cycle.base + (cycle.options[cycle.index] ?? cycle.word);
    replaceBeforeCursor(text);
    cycle.shown = text;
  };

  // Before readline sees a key: wipe a drawn hint (the cursor is still where it was drawn) and
  // handle Tab.
  const beforeKey = (_s: string | undefined, key: Key | undefined) => {
    if (hintShown) {
      output.write(`${ESC}0K`);
      hintShown = false;
    }
    if (busy()) return;
    // readline turns completion off for the keys of a paste (all but the last of one chunk of
    // input) and inserts those tabs as text; a tab it will insert is not completed either.
    const pasted =
      (rl as unknown as { isCompletionEnabled?: boolean }).isCompletionEnabled === false;
    if (key?.name === "tab" && !key.ctrl && !key.meta && !pasted) onTab();
    else cycle = undefined;
  };

  // After readline handled a key: draw the hint for the line, when the cursor is at its end.
  const afterKey = () => {
    if (busy() || rl.cursor !== rl.line.length) return;
    const hint = hintFor(rl.line);
    if (!hint) return;
    const room = (output.columns ?? 80) - rl.getCursorPos().cols - 1;
    if (room <= 0) return;
    const text = hint.slice(0, room);
    output.write(`${ESC}${HINT_COLOR}m${text}${ESC}0m${ESC}${text.length}D`);
    hintShown = true;
  };

  input.prependListener("keypress", beforeKey);
  input.on("keypress", afterKey);

  return {
    detach() {
      input.off("keypress", beforeKey);
      input.off("keypress", afterKey);
    },
  };
}
