import type { ComponentChildren, JSX } from 'preact';
import { useState } from 'preact/hooks';
import { errorText } from './api';
import { useCan } from './session';

/** The status line every page has: what just happened, or the API's refusal as it words it. */
export function Message({ text }: { text: string }) {
  return text ? (
    <p class="message" role="status">
      {text}
    </p>
  ) : null;
}

/** A page's message, and `act`: runs an API call, shows its success text or its error. */
export function useMessage() {
  const [message, setMessage] = useState('');
  const [failed, setFailed] = useState(false);
  const fail = (error: unknown) => {
    setMessage(errorText(error));
    setFailed(true);
  };
  const act = async (work: () => Promise<unknown>, done?: string) => {
    try {
      await work();
      if (done) setMessage(done);
    } catch (error) {
      fail(error);
    }
  };
  /** `failed`: some read or action was refused since the page opened. */
  return { message, setMessage, fail, act, failed };
}

/**
 * A table in its horizontally scrolling box; "Loading…" before the rows come (nothing once
 * `failed`: the page's message says why), `empty` without rows.
 */
export function Table<T>(props: {
  rows: T[] | null;
  failed?: boolean;
  head: string[];
  empty: ComponentChildren;
  row: (item: T) => ComponentChildren;
  class?: string;
  label?: string;
}) {
  if (props.rows === null) return props.failed ? null : <p>Loading…</p>;
  if (props.rows.length === 0) return <p class="empty">{props.empty}</p>;
  return (
    <div class="scroll">
      <table class={props.class} aria-label={props.label}>
        <thead>
          <tr>
            {props.head.map((title, i) => (
              <th key={i}>{title}</th>
            ))}
          </tr>
        </thead>
        <tbody>{props.rows.map(props.row)}</tbody>
      </table>
    </div>
  );
}

/**
 * A button for an action that needs `permission`: not shown to a principal that lacks it (the
 * server would answer 403). `danger` colours destructive ones.
 */
export function Action({
  permission,
  danger,
  children,
  ...rest
}: { permission: string; danger?: boolean } & JSX.HTMLAttributes<HTMLButtonElement>) {
  const can = useCan();
  if (!can(permission)) return null;
  return (
    <button type="button" class={danger ? 'danger' : undefined} {...rest}>
      {children}
    </button>
  );
}

/** A form's fields, disabled with a note when the principal lacks the permission it needs. */
export function Guarded({
  permission,
  children,
}: {
  permission: string;
  children: ComponentChildren;
}) {
  const can = useCan();
  const allowed = can(permission);
  return (
    <fieldset class="plain" disabled={!allowed}>
      {!allowed && (
        <p class="dim small" data-needs={permission}>
          Needs the <code>{permission}</code> permission.
        </p>
      )}
      {children}
    </fieldset>
  );
}

export const Badge = ({ status }: { status: string }) => (
  <span class={`badge ${status}`}>{status}</span>
);

/** An ISO time as the browser's locale writes it. */
export const when = (iso: string) => new Date(iso).toLocaleString();

/** Bytes as B, KiB, MiB or GiB. */
export function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let value = n;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${n} B` : `${value.toFixed(1)} ${units[unit]}`;
}
