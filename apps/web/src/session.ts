import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

/** Where the `Authorization` header of the signed-in tab is kept: per tab, gone when it closes. */
const STORAGE_KEY = 'jobserver.authorization';

/** `GET /auth/me`: who the UI acts for and every permission it is granted (all of them with auth off). */
export interface Principal {
  auth: boolean;
  name: string | null;
  permissions: string[];
  granted: string[];
}

/** The `Authorization` header to send, if the tab has signed in. */
export function authorization(): string | null {
  return sessionStorage.getItem(STORAGE_KEY);
}

/** `Authorization: Basic` for a user and password (UTF-8, as the gateway decodes it). */
export function basic(user: string, password: string): string {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

export const bearer = (key: string) => `Bearer ${key.trim()}`;

export function remember(header: string): void {
  sessionStorage.setItem(STORAGE_KEY, header);
}

const listeners = new Set<(reason: string) => void>();

/** Forgets the credentials and tells the app (which shows the sign-in form with `reason`). */
export function signOut(reason = ''): void {
  sessionStorage.removeItem(STORAGE_KEY);
  for (const listener of listeners) listener(reason);
}

/** Calls `listener` on every sign-out (a 401 anywhere, or the Sign out button); returns the unsubscribe. */
export function onSignOut(listener: (reason: string) => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export const PrincipalContext = createContext<Principal | null>(null);

/** Whether the signed-in principal may do what `permission` guards (true until the principal is known). */
export function useCan(): (permission: string) => boolean {
  const principal = useContext(PrincipalContext);
  return (permission) => !principal || principal.granted.includes(permission);
}

/** Whether the server has auth on (then owners are worth showing). */
export function useAuthOn(): boolean {
  return useContext(PrincipalContext)?.auth ?? false;
}
