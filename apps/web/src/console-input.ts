/** The identifier being typed just before `cursor` (what completion candidates replace). */
export function wordBefore(code: string, cursor: number): string {
  return /[A-Za-z0-9_$]*$/.exec(code.slice(0, cursor))?.[0] ?? '';
}

/** `code` with the word before `cursor` replaced by `word`, and where the cursor lands after it. */
export function insertWord(
  code: string,
  cursor: number,
  word: string,
): { code: string; cursor: number } {
  const start = cursor - wordBefore(code, cursor).length;
  return { code: code.slice(0, start) + word + code.slice(cursor), cursor: start + word.length };
}

/** The longest prefix every candidate shares. */
export function commonPrefix(candidates: string[]): string {
  if (candidates.length === 0) return '';
  let prefix = candidates[0];
  for (const c of candidates) while (!c.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return prefix;
}

/** Where the input is in the history: `index` null while editing a new statement (kept as `draft`). */
export interface HistoryPosition {
  index: number | null;
  draft: string;
}

/**
 * One Up (-1) or Down (+1) step through `history` (oldest first) from `position`, with `code` in
 * the editor: the code to show and the new position; undefined when there is nowhere to go.
 */
export function historyStep(
  history: string[],
  position: HistoryPosition,
  code: string,
  direction: -1 | 1,
): { code: string; position: HistoryPosition } | undefined {
  if (direction === -1) {
    if (history.length === 0 || position.index === 0) return undefined;
    const index = position.index === null ? history.length - 1 : position.index - 1;
    const draft = position.index === null ? code : position.draft;
    return { code: history[index], position: { index, draft } };
  }
  if (position.index === null) return undefined;
  if (position.index + 1 >= history.length)
    return { code: position.draft, position: { index: null, draft: '' } };
  const index = position.index + 1;
  return { code: history[index], position: { index, draft: position.draft } };
}

/**
 * The codes of past statements, oldest first, without repeats in a row and without empty ones
 * (the server's own `ScopeReset` notice after an executor was replaced has no code).
 */
export function historyOf(codes: string[]): string[] {
  return codes.filter((code) => code.trim() !== '').filter((code, i, kept) => code !== kept[i - 1]);
}
