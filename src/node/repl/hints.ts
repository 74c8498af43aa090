// Inline hints: the arguments still to type, shown in grey after the cursor, computed exactly as
// redis-cli 7.0's hintsCallback does from the help entries.

import { matchingEntries } from "./command-help.ts";
import { splitWords } from "./split.ts";

/** ANSI bright black, the colour redis-cli gives hints. */
export const HINT_COLOR = 90;

/** The hint for a typed line (with its leading space when the line does not end in one), or null. */
export function hintFor(line: string): string | null {
  const args = splitWords(line);
  if (!args || args.length === 0) return null;
  const entry = matchingEntries(args)[0];
  if (!entry) return null;
  let hint = entry.params;
  // Drop one word per argument typed after the command's own words, but never an optional one.
  let toRemove = args.length - entry.words.length;
  while (toRemove > 0 && hint.length > 0) {
    if (hint[0] === "[") break;
    if (hint[0] === " ") toRemove--;
    hint = hint.slice(1);
  }
  if (hint.length === 0) return null;
  const endsInSpace = /\s$/.test(line);
  return endsInSpace ? hint : " " + hint;
}
