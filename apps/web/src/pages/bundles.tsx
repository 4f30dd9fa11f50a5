import { useEffect, useState } from 'preact/hooks';
import { api, enc, errorText } from '../api';

interface Bundle {
  'app-name': string;
  'binary-type': string;
  'upload-time': string;
  sha256: string;
  size: number;
}

const kb = (n: number) => (n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KiB`);

export function BundlesPage() {
  const [bundles, setBundles] = useState<Bundle[] | null>(null);
  const [app, setApp] = useState('');
  const [over, setOver] = useState(false);
  const [message, setMessage] = useState('');

  const load = () =>
    api<Record<string, unknown>>('/binaries')
      .then((all) =>
        Promise.all(Object.keys(all).map((name) => api<Bundle>(`/binaries/${enc(name)}`))),
      )
      .then(setBundles)
      .catch((e) => setMessage(errorText(e)));
  useEffect(() => void load(), []);

  const upload = async (file: File | undefined) => {
    if (!file) return;
    const name = app || file.name.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9._-]/g, '-');
    setMessage(`Uploading ${file.name} as ${name}…`);
    try {
      await api(`/binaries/${enc(name)}`, { method: 'POST', body: file });
      setMessage(`Uploaded ${file.name} as ${name}`);
    } catch (e) {
      setMessage(errorText(e));
    }
    void load();
  };
  const remove = async (name: string) => {
    try {
      await api(`/binaries/${enc(name)}`, { method: 'DELETE' });
      setMessage(`Deleted ${name}`);
    } catch (e) {
      setMessage(errorText(e));
    }
    void load();
  };
  const drop = (event: DragEvent) => {
    event.preventDefault();
    setOver(false);
    void upload(event.dataTransfer?.files[0]);
  };

  return (
    <section>
      <h1>Bundles</h1>
      <div class="card">
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
      </div>
      {message && (
        <p class="message" role="status">
          {message}
        </p>
      )}
      {bundles === null ? (
        <p>Loading…</p>
      ) : bundles.length === 0 ? (
        <p class="empty">No bundles yet.</p>
      ) : (
        <div class="scroll">
          <table>
            <thead>
              <tr>
                <th>App</th>
                <th>Type</th>
                <th>Size</th>
                <th>sha256</th>
                <th>Uploaded</th>
                <th></th>
              </tr>
            </thead>
            <tbody>
              {bundles.map((b) => (
                <tr key={b['app-name']} data-bundle={b['app-name']}>
                  <td>{b['app-name']}</td>
                  <td>{b['binary-type']}</td>
                  <td>{kb(b.size)}</td>
                  <td class="mono small" title={b.sha256}>
                    {b.sha256.slice(0, 16)}…
                  </td>
                  <td class="dim">{new Date(b['upload-time']).toLocaleString()}</td>
                  <td>
                    <button class="danger" onClick={() => remove(b['app-name'])}>
                      Delete
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
