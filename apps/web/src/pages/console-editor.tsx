import { useEffect, useRef, useState } from 'preact/hooks';
import { api, enc, errorText } from '../api';
import {
  commonPrefix,
  historyStep,
  insertWord,
  wordBefore,
  type HistoryPosition,
} from '../console-input';

const FRESH: HistoryPosition = { index: null, draft: '' };

interface Props {
  context: string;
  code: string;
  setCode: (code: string) => void;
  /** Past statements of the context, oldest first. */
  history: string[];
}

/**
 * The statement editor: Ctrl+Enter runs (submits the form), Up on the first line and Down on the
 * last walk the context's statement history, Tab after a name or a dot asks the completion route
 * (one candidate is inserted, several are listed: Up/Down pick, Enter or Tab inserts, Escape
 * closes). Elsewhere Tab keeps its meaning, so the keyboard can leave the editor.
 */
export function StatementEditor({ context, code, setCode, history }: Props) {
  const box = useRef<HTMLTextAreaElement>(null);
  const [position, setPosition] = useState<HistoryPosition>(FRESH);
  const [candidates, setCandidates] = useState<string[]>([]);
  const [selected, setSelected] = useState(0);
  const [note, setNote] = useState('');
  // A new statement ran, or another context was picked: start again below the newest.
  useEffect(() => setPosition(FRESH), [history.length, context]);

  const place = (next: { code: string; cursor: number }) => {
    setCode(next.code);
    requestAnimationFrame(() => box.current?.setSelectionRange(next.cursor, next.cursor));
  };
  const accept = (word: string) => {
    place(insertWord(code, box.current?.selectionStart ?? code.length, word));
    setCandidates([]);
  };
  const complete = async (cursor: number) => {
    setNote('');
    try {
      const { candidates: found } = await api<{ candidates: string[] }>(
        `/contexts/${enc(context)}/completion`,
        {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ code, cursor }),
        },
      );
      if (found.length === 0) return setNote('No completions');
      if (found.length === 1) return place(insertWord(code, cursor, found[0]));
      const prefix = commonPrefix(found);
      if (prefix.length > wordBefore(code, cursor).length) place(insertWord(code, cursor, prefix));
      setCandidates(found);
      setSelected(0);
    } catch (error) {
      setNote(errorText(error));
    }
  };
  const walk = (direction: -1 | 1) => {
    const step = historyStep(history, position, code, direction);
    if (!step) return false;
    setPosition(step.position);
    place({ code: step.code, cursor: direction === -1 ? 0 : step.code.length });
    return true;
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const el = e.currentTarget as HTMLTextAreaElement;
    const before = code.slice(0, el.selectionStart);
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      el.form?.requestSubmit();
    } else if (candidates.length && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      e.preventDefault();
      const n = candidates.length;
      setSelected((selected + (e.key === 'ArrowDown' ? 1 : n - 1)) % n);
    } else if (candidates.length && (e.key === 'Enter' || e.key === 'Tab')) {
      e.preventDefault();
      accept(candidates[selected]);
    } else if (candidates.length && e.key === 'Escape') {
      e.preventDefault();
      setCandidates([]);
    } else if (
      e.key === 'Tab' &&
      !e.shiftKey &&
      (wordBefore(code, before.length) || before.endsWith('.'))
    ) {
      e.preventDefault();
      void complete(el.selectionStart);
    } else if (e.key === 'ArrowUp' && !before.includes('\n')) {
      if (walk(-1)) e.preventDefault();
    } else if (e.key === 'ArrowDown' && !code.slice(el.selectionEnd).includes('\n')) {
      if (walk(1)) e.preventDefault();
    }
  };

  return (
    <div class="editor">
      <label>
        <span>
          Statement (JavaScript; <kbd>Ctrl</kbd>+<kbd>Enter</kbd> runs it, <kbd>↑</kbd>/<kbd>↓</kbd>{' '}
          history, <kbd>Tab</kbd> completes)
        </span>
        <textarea
          ref={box}
          rows={4}
          class="mono"
          spellcheck={false}
          value={code}
          aria-autocomplete="list"
          aria-expanded={candidates.length > 0}
          onInput={(e) => (setCode(e.currentTarget.value), setCandidates([]))}
          onKeyDown={onKeyDown}
        />
      </label>
      {candidates.length > 0 && (
        <ul class="candidates mono" role="listbox" aria-label="completions">
          {candidates.map((c, i) => (
            <li
              key={c}
              role="option"
              aria-selected={i === selected}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => accept(c)}
            >
              {c}
            </li>
          ))}
        </ul>
      )}
      {note && (
        <p class="dim small" role="status">
          {note}
        </p>
      )}
    </div>
  );
}
