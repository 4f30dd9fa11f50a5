import { useEffect, useState } from 'preact/hooks';
import { api, enc, errorText } from '../api';

interface Statement {
  id: number;
  code: string;
  state: string;
  output:
    | { status: 'ok'; data: { 'text/plain'?: string; 'application/json'?: unknown } }
    | { status: 'error'; ename: string; evalue: string; traceback: string[] }
    | null;
}

const DONE = new Set(['available', 'cancelled']);
const POLL_MS = 300;

function Output({ statement }: { statement: Statement }) {
  const out = statement.output;
  if (!out) return statement.state === 'cancelled' ? null : <p class="dim">{statement.state}…</p>;
  if (out.status === 'error')
    return (
      <pre class="error" aria-label="error">
        {`${out.ename}: ${out.evalue}\n${out.traceback.join('\n')}`}
      </pre>
    );
  const json = out.data['application/json'];
  return (
    <>
      <pre aria-label="text output">{out.data['text/plain'] ?? ''}</pre>
      {json !== undefined && typeof json === 'object' && json !== null && (
        <pre aria-label="JSON output">{JSON.stringify(json, null, 2)}</pre>
      )}
    </>
  );
}

export function ConsolePage() {
  const [contexts, setContexts] = useState<string[]>([]);
  const [context, setContext] = useState('');
  const [statements, setStatements] = useState<Statement[]>([]);
  const [code, setCode] = useState('');
  const [message, setMessage] = useState('');

  useEffect(() => {
    api<string[]>('/contexts')
      .then((names) => (setContexts(names), setContext((c) => c || names[0] || '')))
      .catch((e) => setMessage(errorText(e)));
  }, []);
  const base = `/contexts/${enc(context)}/statements`;
  const load = () =>
    api<{ statements: Statement[] }>(base)
      .then((body) => setStatements(body.statements))
      .catch((e) => setMessage(errorText(e)));
  useEffect(() => {
    if (context) void load();
  }, [context]);
  const pending = statements.some((s) => !DONE.has(s.state));
  useEffect(() => {
    if (!pending) return;
    const timer = setTimeout(load, POLL_MS);
    return () => clearTimeout(timer);
  }, [statements]);

  const run = async (event: Event) => {
    event.preventDefault();
    setMessage('');
    try {
      await api(base, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ code }),
      });
      setCode('');
    } catch (e) {
      setMessage(errorText(e));
    }
    void load();
  };
  const cancel = (id: number) =>
    api(`${base}/${id}/cancel`, { method: 'POST' }).then(load, (e) => setMessage(errorText(e)));

  return (
    <section>
      <h1>Console</h1>
      {contexts.length === 0 ? (
        <p class="empty">No live context: create one on the Contexts page.</p>
      ) : (
        <form class="card wide" onSubmit={run}>
          <label>
            Context
            <select value={context} onChange={(e) => setContext(e.currentTarget.value)}>
              {contexts.map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </label>
          <label>
            <span>
              Statement (JavaScript; <kbd>Ctrl</kbd>+<kbd>Enter</kbd> runs it)
            </span>
            <textarea
              rows={4}
              class="mono"
              value={code}
              onInput={(e) => setCode(e.currentTarget.value)}
              onKeyDown={(e) => e.key === 'Enter' && (e.ctrlKey || e.metaKey) && run(e)}
            />
          </label>
          <button type="submit">Run</button>
        </form>
      )}
      {message && (
        <p class="message" role="status">
          {message}
        </p>
      )}
      <ol class="statements">
        {[...statements].reverse().map((s) => (
          <li key={s.id} data-statement={s.id}>
            <div class="row">
              <b>[{s.id}]</b> <code>{s.code}</code> <span class="dim">{s.state}</span>
              {!DONE.has(s.state) && s.state !== 'cancelling' && (
                <button class="danger" onClick={() => cancel(s.id)}>
                  Cancel
                </button>
              )}
            </div>
            <Output statement={s} />
          </li>
        ))}
      </ol>
    </section>
  );
}
