import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, enc } from '../api';
import { Action, bytes, Guarded, Message, Table, useMessage, when } from '../components';
import { useAuthOn, useCan } from '../session';

/** One stored version of an app (`GET /binaries/<app>`, and each of `…/versions`). */
interface Bundle {
  'app-name': string;
  'binary-type': string;
  'upload-time': string;
  sha256: string;
  size: number;
  owner?: string | null;
}

/** The cells every version row has: type, size, sha256, upload time, and owner when auth is on. */
function VersionCells({ version, authOn }: { version: Bundle; authOn: boolean }) {
  return (
    <>
      <td>{version['binary-type']}</td>
      <td class="nowrap">{bytes(version.size)}</td>
      <td class="mono small" title={version.sha256}>
        {version.sha256.slice(0, 16)}…
      </td>
      <td class="dim">{when(version['upload-time'])}</td>
      {authOn && <td>{version.owner ?? '–'}</td>}
    </>
  );
}

/** `record` without `key`. */
function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  const copy = { ...record };
  delete copy[key];
  return copy;
}

export function BundlesPage() {
  const can = useCan();
  const authOn = useAuthOn();
  const [bundles, setBundles] = useState<Bundle[] | null>(null);
  /** The versions of the apps whose list is open. */
  const [versions, setVersions] = useState<Record<string, Bundle[]>>({});
  const [app, setApp] = useState('');
  const [over, setOver] = useState(false);
  const { message, setMessage, fail, act, failed } = useMessage();

  const load = () =>
    api<Record<string, unknown>>('/binaries')
      .then((all) =>
        Promise.all(Object.keys(all).map((name) => api<Bundle>(`/binaries/${enc(name)}`))),
      )
      .then(setBundles)
      .catch(fail);
  useEffect(() => void load(), []);

  const upload = async (file: File | undefined) => {
    if (!file || !can('binaries:upload')) return;
    const name = app || file.name.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9._-]/g, '-');
    setMessage(`Uploading ${file.name} as ${name}…`);
    await act(
      () => api(`/binaries/${enc(name)}`, { method: 'POST', body: file }),
      `Uploaded ${file.name} as ${name}`,
    );
    setVersions((open) => without(open, name));
    void load();
  };
  const remove = (name: string) =>
    act(() => api(`/binaries/${enc(name)}`, { method: 'DELETE' }), `Deleted ${name}`).then(load);
  const toggleVersions = (name: string) =>
    versions[name]
      ? setVersions((open) => without(open, name))
      : act(async () => {
          const list = await api<Bundle[]>(`/binaries/${enc(name)}/versions`);
          setVersions((open) => ({ ...open, [name]: list }));
        });
  const drop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    void upload(event.dataTransfer?.files[0]);
  };

  const head = ['App', 'Type', 'Size', 'sha256', 'Uploaded', ...(authOn ? ['Owner'] : []), ''];
  return (
    <section>
      <h1>Bundles</h1>
      <div class="card">
        <Guarded permission="binaries:upload">
          <label>
            App name (default: the file's name)
            <input value={app} onInput={(e) => setApp(e.currentTarget.value)} />
          </label>
          <div
            class={`drop ${over ? 'over' : ''}`}
            data-testid="drop"
            onDragOver={(e) => (e.preventDefault(), setOver(true))}
            onDragLeave={() => setOver(false)}
            onDrop={drop}
          >
            Drop a bundle here (.js, .mjs, .cjs, .zip, .tgz) or{' '}
            <label class="file">
              choose a file
              <input type="file" onChange={(e) => upload(e.currentTarget.files?.[0])} />
            </label>
          </div>
        </Guarded>
      </div>
      <Message text={message} />
      <Table
        failed={failed}
        rows={bundles}
        head={head}
        empty="No bundles yet."
        row={(b) => {
          const name = b['app-name'];
          const open = versions[name];
          return (
            <Fragment key={name}>
              <tr data-bundle={name}>
                <td class="nowrap">{name}</td>
                <VersionCells version={b} authOn={authOn} />
                <td class="actions">
                  <button type="button" aria-expanded={!!open} onClick={() => toggleVersions(name)}>
                    Versions
                  </button>
                  <Action permission="binaries:delete" danger onClick={() => remove(name)}>
                    Delete
                  </Action>
                </td>
              </tr>
              {open?.map((v, i) => (
                <tr key={v.sha256 + v['upload-time']} class="version" data-version={name}>
                  <td class="dim">
                    v{open.length - i}
                    {i === 0 && ' (latest)'}
                  </td>
                  <VersionCells version={v} authOn={authOn} />
                  <td />
                </tr>
              ))}
            </Fragment>
          );
        }}
      />
    </section>
  );
}
