import { useEffect, useState } from 'preact/hooks';
import { api, enc } from '../api';
import { Action, bytes, Message, Table, useMessage, when } from '../components';

/** A named object as `GET /contexts/<name>/objects` lists it. */
interface NamedObject {
  name: string;
  type: string;
  bytes: number;
  partial: boolean;
  createdAt: string;
  updatedAt: string;
  lastUsedAt: string;
  ttl: number | null;
}

/**
 * The named objects a context holds in memory, with Delete (contexts:exec). Read when opened and
 * after each delete; a context whose executor is busy with a job answers 503, shown as such.
 */
export function ContextObjects({ context, onClose }: { context: string; onClose: () => void }) {
  const [objects, setObjects] = useState<NamedObject[] | null>(null);
  const { message, fail, act, failed } = useMessage();
  const load = () => api<NamedObject[]>(`/contexts/${enc(context)}/objects`).then(setObjects, fail);
  useEffect(() => void load(), [context]);
  const remove = (name: string) =>
    act(() => api(`/contexts/${enc(context)}/objects/${enc(name)}`, { method: 'DELETE' }), `Dropped ${name}`).then(load);
  return (
    <div class="card" data-objects={context}>
      <h2>
        Named objects of {context}{' '}
        <button type="button" onClick={onClose}>
          Close
        </button>{' '}
        <button type="button" onClick={() => void load()}>
          Refresh
        </button>
      </h2>
      <Message text={message} />
      <Table
        failed={failed}
        rows={objects}
        label={`named objects of ${context}`}
        head={['Name', 'Type', 'Size', 'Updated', 'Last used', 'Expires', '']}
        empty="No named objects."
        row={(o) => (
          <tr key={o.name} data-object={o.name}>
            <td class="mono">{o.name}</td>
            <td>{o.type}</td>
            <td class="nowrap" title="estimated heap bytes">
              {o.partial ? '≥ ' : '~'}
              {bytes(o.bytes)}
            </td>
            <td class="dim">{when(o.updatedAt)}</td>
            <td class="dim">{when(o.lastUsedAt)}</td>
            <td class="dim nowrap">{o.ttl === null ? 'never' : `in ${o.ttl} s`}</td>
            <td class="actions">
              <Action permission="contexts:exec" danger onClick={() => remove(o.name)}>
                Delete
              </Action>
            </td>
          </tr>
        )}
      />
    </div>
  );
}
