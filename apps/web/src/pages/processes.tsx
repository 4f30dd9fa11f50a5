import { Table, when } from '../components';

/** One live process of the cluster, as `GET /status` lists it. */
export interface ProcessStatus {
  id: string;
  role: string;
  instance: string;
  version: string;
  host: string;
  pid: number;
  startTime: string;
  uptimeSeconds: number;
  lastHeartbeat: string;
  contexts: string[];
}

/** `3725` → `1 h 2 min`; under a minute in seconds. */
export function uptime(seconds: number): string {
  const d = Math.floor(seconds / 86400);
  const h = Math.floor((seconds % 86400) / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  if (d) return `${d} d ${h} h`;
  if (h) return `${h} h ${m} min`;
  return m ? `${m} min` : `${seconds} s`;
}

/** The cluster's processes: id, role, version, uptime, last heartbeat, contexts held. */
export function Processes({ processes, now }: { processes: ProcessStatus[] | null; now: number }) {
  return (
    <Table
      rows={processes}
      label="processes"
      head={['Process', 'Role', 'Version', 'Up', 'Last heartbeat', 'Contexts']}
      empty="No live process registered."
      row={(p) => (
        <tr key={p.id} data-process={p.role}>
          <td class="mono small" title={`${p.host} pid ${p.pid}, instance ${p.instance}`}>
            {p.id}
          </td>
          <td>{p.role}</td>
          <td>{p.version}</td>
          <td class="nowrap">{uptime(p.uptimeSeconds)}</td>
          <td class="dim" title={when(p.lastHeartbeat)}>
            {Math.max(0, Math.round((now - Date.parse(p.lastHeartbeat)) / 1000))} s ago
          </td>
          <td>{p.contexts.join(', ') || '–'}</td>
        </tr>
      )}
    />
  );
}
