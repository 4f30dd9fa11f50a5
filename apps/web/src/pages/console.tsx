import { useEffect, useState } from 'preact/hooks';
import { api, enc } from '../api';
import { Action, Message, useMessage } from '../components';
import { historyOf } from '../console-input';
import { JsonTree } from '../json-tree';
import { StatementEditor } from './console-editor';

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
        <JsonTree value={json} label="JSON output" />
      )}
    </>
  );
}

export function ConsolePage() {
  const [contexts, setContexts] = useState<string[]>([]);
  const [context, setContext] = useState('');
  const [statements, setStatements] = useState<Statement[]>([]);
  const [code, setCode] = useState('');
  const { message, setMessage, fail, act } = useMessage();

  useEffect(() => {
    api<string[]>('/contexts')
      .then((names) => (setContexts(names), setContext((c) => c || names[0] || '')))
      .catch(fail);
  }, []);
  const base = `/contexts/${enc(context)}/statements`;
  const load = () =>
    api<{ statements: Statement[] }>(base)
      .then((body) => setStatements(body.statements))
      .catch(fail);
  useEffect(() => {
    setStatements([]);
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
    await act(async () => {
      await api(base, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ code }),
      });
      setCode('');
    });
    void load();
  };
  const cancel = (id: number) =>
    act(() => api(`${base}/${id}/cancel`, { method: 'POST' })).then(load);

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
          <StatementEditor
            context={context}
            code={code}
            setCode={setCode}
            history={historyOf(statements.map((s) => s.code))}
          />
          <button type="submit">Run</button>
        </form>
      )}
      <Message text={message} />
      {statements.length > 0 && (
        <h2>
          History of {context} ({statements.length})
        </h2>
      )}
      <ol class="statements" aria-label="statements">
        {[...statements].reverse().map((s) => (
          <li key={s.id} data-statement={s.id}>
            <div class="row">
              <b>[{s.id}]</b> <code>{s.code}</code> <span class="dim">{s.state}</span>
              {!DONE.has(s.state) && s.state !== 'cancelling' && (
                <Action permission="contexts:exec" danger onClick={() => cancel(s.id)}>
                  Cancel
                </Action>
              )}
            </div>
            <Output statement={s} />
          </li>
        ))}
      </ol>
    </section>
  );
}
