/** Nodes deeper than this start folded (the top levels open). */
const OPEN_DEPTH = 2;

/**
 * A JSON value as a tree: objects and arrays are `<details>` that fold and unfold (keyboard
 * reachable: their summaries are buttons to the browser), scalars as JSON literals. Pure markup,
 * no state: the browser keeps what is open.
 */
export function JsonTree({ value, label }: { value: unknown; label?: string }) {
  return (
    <div class="json-tree" aria-label={label}>
      <Node value={value} depth={0} />
    </div>
  );
}

function Node({ name, value, depth }: { name?: string; value: unknown; depth: number }) {
  const key = name === undefined ? null : <span class="json-key">{name}: </span>;
  if (value === null || typeof value !== 'object') {
    return (
      <div class="json-leaf">
        {key}
        <span class={`json-${value === null ? 'null' : typeof value}`}>{JSON.stringify(value)}</span>
      </div>
    );
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return (
    <details open={depth < OPEN_DEPTH}>
      <summary>
        {key}
        {open}
        <span class="dim small"> {entries.length} {Array.isArray(value) ? 'items' : 'keys'} </span>
        {entries.length === 0 && close}
      </summary>
      {entries.length > 0 && (
        <div class="json-children">
          {entries.map(([k, v]) => (
            <Node key={k} name={k} value={v} depth={depth + 1} />
          ))}
          <div>{close}</div>
        </div>
      )}
    </details>
  );
}
