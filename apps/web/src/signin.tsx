import { useState } from 'preact/hooks';
import { Message } from './components';
import { basic, bearer, remember, type Principal } from './session';

/** What a refused sign-in answered: `401 ERROR: authentication required`, `429 ERROR: too many …`. */
async function refusal(res: Response): Promise<string> {
  const text = await res.text();
  try {
    const body = JSON.parse(text) as { status?: string; result?: unknown };
    return `${res.status} ${body.status ?? ''}: ${String(body.result)}`;
  } catch {
    return `${res.status}: ${text}`;
  }
}

/**
 * The sign-in form shown when the server has auth on: a user and password (sent as Basic) or an
 * API key (sent as Bearer). The header is checked with `GET /auth/me`, then kept for this tab.
 */
export function SignIn({
  reason,
  onSignedIn,
}: {
  reason: string;
  onSignedIn: (p: Principal) => void;
}) {
  const [withKey, setWithKey] = useState(false);
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [key, setKey] = useState('');
  const [message, setMessage] = useState(reason);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const header = withKey ? bearer(key) : basic(user, password);
    setBusy(true);
    setMessage('');
    try {
      const res = await fetch('/auth/me', {
        headers: { Accept: 'application/json', Authorization: header },
        credentials: 'omit',
      });
      if (!res.ok) return setMessage(await refusal(res));
      remember(header);
      onSignedIn((await res.json()) as Principal);
    } catch (error) {
      setMessage(String(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section>
      <h1>Sign in</h1>
      <p class="dim">This jobserver has authentication on.</p>
      <div class="tabs" role="tablist">
        <button role="tab" type="button" aria-selected={!withKey} onClick={() => setWithKey(false)}>
          User and password
        </button>
        <button role="tab" type="button" aria-selected={withKey} onClick={() => setWithKey(true)}>
          API key
        </button>
      </div>
      <form class="card" onSubmit={submit} aria-label="Sign in">
        {withKey ? (
          <label>
            API key
            <input
              type="password"
              autocomplete="off"
              required
              value={key}
              onInput={(e) => setKey(e.currentTarget.value)}
            />
          </label>
        ) : (
          <>
            <label>
              User
              <input
                autocomplete="username"
                required
                value={user}
                onInput={(e) => setUser(e.currentTarget.value)}
              />
            </label>
            <label>
              Password
              <input
                type="password"
                autocomplete="current-password"
                required
                value={password}
                onInput={(e) => setPassword(e.currentTarget.value)}
              />
            </label>
          </>
        )}
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      <Message text={message} />
      <p class="dim small">
        The credentials stay in this tab only (sessionStorage) until you sign out or close it.
      </p>
    </section>
  );
}
