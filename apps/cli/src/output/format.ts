import type { Colors } from './terminal';

/** `12.3 KiB`. */
export function byteSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** `2026-12-02 06:00:01` (local time) of an ISO time; the text itself when it is not one. */
export function localTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${time.getFullYear()}-${pad(time.getMonth() + 1)}-${pad(time.getDate())} ${pad(time.getHours())}:${pad(time.getMinutes())}:${pad(time.getSeconds())}`;
}

/** A job or context status in its colour. */
export function statusText(colors: Colors, status: string): string {
  switch (status) {
    case 'OK':
    case 'FINISHED':
    case 'RUNNING':
      return status === 'RUNNING' ? colors.cyan(status) : colors.green(status);
    case 'ERROR':
      return colors.red(status);
    case 'KILLED':
    case 'STOPPING':
    case 'RESTARTING':
      return colors.yellow(status);
    default:
      return colors.dim(status);
  }
}
