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

/** A snapshot as `GET /contexts/<name>/snapshots` lists it. */
interface Snapshot {
  id: string;
  createdAt: string;
  objects: string[];
  skipped: Array<{ name: string; reason: string }>;
  bytes: number;
}

/**
 * The named objects a context holds in memory, with Delete (contexts:exec), and its snapshots:
 * take one (contexts:exec), delete one (contexts:delete); a new context restores one with the
 * `snapshot` setting. Read when opened and after each action; a context whose executor is busy
 * with a job answers 503, shown as such.
 */
export function ContextObjects({ context, onClose }: { context: string; onClose: () => void }) {
  const [objects, setObjects] = useState<NamedObject[] | null>(null);
  const { message, setMessage, fail, act, failed } = useMessage();
  const [snapshots, setSnapshots] = useState<Snapshot[] | null>(null);
  const load = () => {
    api<Snapshot[]>(`/contexts/${enc(context)}/snapshots`).then(setSnapshots, fail);
    return api<NamedObject[]>(`/contexts/${enc(context)}/objects`).then(setObjects, fail);
  };
  useEffect(() => void load(), [context]);
  const takeSnapshot = () =>
    act(async () => {
      const s = await api<Snapshot>(`/contexts/${enc(context)}/snapshots`, { method: 'POST' });
      const skipped = s.skipped.length ? `; skipped ${s.skipped.map((x) => `${x.name}: ${x.reason}`).join('; ')}` : '';
      setMessage(`Snapshot ${s.id} taken: ${s.objects.length} object(s), ${bytes(s.bytes)}${skipped}`);
    }).then(load);
  const removeSnapshot = (id: string) =>
    act(() => api(`/contexts/${enc(context)}/snapshots/${enc(id)}`, { method: 'DELETE' }), `Deleted snapshot ${id}`).then(load);
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
        </button>{' '}
        <Action permission="contexts:exec" onClick={() => void takeSnapshot()}>
          Snapshot
        </Action>
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
      <h3>Snapshots</h3>
      <Table
        rows={snapshots}
        label={`snapshots of ${context}`}
        head={['Id', 'Taken', 'Objects', 'Skipped', 'Size', '']}
        empty="No snapshots. A new context restores one with the setting snapshot=<id>."
        row={(s) => (
          <tr key={s.id} data-snapshot={s.id}>
            <td class="mono small">{s.id}</td>
            <td class="dim">{when(s.createdAt)}</td>
            <td>{s.objects.join(', ') || '–'}</td>
            <td class="small">{s.skipped.map((x) => `${x.name}: ${x.reason}`).join('; ') || '–'}</td>
            <td class="nowrap">{bytes(s.bytes)}</td>
            <td class="actions">
              <Action permission="contexts:delete" danger onClick={() => removeSnapshot(s.id)}>
                Delete
              </Action>
            </td>
          </tr>
        )}
      />
    </div>
  );
}
