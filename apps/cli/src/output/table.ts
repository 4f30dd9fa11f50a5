import Table from 'cli-table3';
import type { Terminal } from './terminal';

/** No box: columns separated by two spaces, like `kubectl get` (readable, and easy to cut in a pipe). */
const PLAIN = {
  top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
  bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
  left: '', 'left-mid': '', mid: '', 'mid-mid': '',
  right: '', 'right-mid': '', middle: '  ',
};

/** Prints rows under a header, the header bold on a terminal; `empty` when there are none. */
export function printTable(terminal: Terminal, head: string[], rows: string[][], empty: string): void {
  if (rows.length === 0) {
    terminal.note(empty);
    return;
  }
  const table = new Table({
    head: head.map((h) => terminal.colors.bold(h)),
    chars: PLAIN,
    style: { head: [], border: [], 'padding-left': 0, 'padding-right': 0 },
  });
  table.push(...rows);
  terminal.line(table.toString().split('\n').map((line) => line.trimEnd()).join('\n'));
}
