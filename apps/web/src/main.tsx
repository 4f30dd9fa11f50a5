import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { authHeaders } from './api';
import { Message } from './components';
import { BundlesPage } from './pages/bundles';
import { ConsolePage } from './pages/console';
import { ContextsPage } from './pages/contexts';
import { JobPage } from './pages/job';
import { JobsPage } from './pages/jobs';
import { OverviewPage } from './pages/overview';
import { SchedulesPage } from './pages/schedules';
import { useRoute } from './router';
import { onSignOut, PrincipalContext, signOut, type Principal } from './session';
import { SignIn } from './signin';
import 'uplot/dist/uPlot.min.css';
import './style.css';

/** The pages, and the permission without which a page has nothing to show (it leaves the nav). */
const NAV = [
  ['jobs', 'Jobs', 'jobs:read'],
  ['contexts', 'Contexts', 'contexts:read'],
  ['bundles', 'Bundles', 'binaries:read'],
  ['schedules', 'Schedules', 'jobs:read'],
  ['console', 'Console', 'contexts:exec'],
  ['overview', 'Overview', ''],
] as const;

type Session =
  | { state: 'checking' }
  | { state: 'signed-in'; principal: Principal }
  | { state: 'sign-in'; reason: string }
  | { state: 'failed'; reason: string };

/** Asks the server who this tab is: auth off or valid credentials → a principal; a 401 → the sign-in. */
async function whoAmI(): Promise<Session> {
  const held = authHeaders();
  const res = await fetch('/auth/me', {
    headers: { Accept: 'application/json', ...held },
    credentials: 'omit',
  });
  if (res.ok) return { state: 'signed-in', principal: (await res.json()) as Principal };
  // A first visit has no credentials: no need to call that an error.
  if (res.status === 401)
    return {
      state: 'sign-in',
      reason: held.Authorization ? '401: your credentials were refused' : '',
    };
  return { state: 'failed', reason: `${res.status}: ${await res.text()}` };
}

/** The pages this principal may read; the first is where `#/` lands. */
const allowedPages = (principal: Principal) =>
  NAV.filter(([, , need]) => !need || principal.granted.includes(need));

function Nav({ principal }: { principal: Principal }) {
  const allowed = allowedPages(principal);
  const [page = allowed[0]?.[0]] = useRoute();
  return (
    <nav>
      {allowed.map(([path, label]) => (
        <a key={path} href={`#/${path}`} aria-current={page === path ? 'page' : undefined}>
          {label}
        </a>
      ))}
    </nav>
  );
}

function Page({ principal }: { principal: Principal }) {
  const [page = allowedPages(principal)[0]?.[0], id] = useRoute();
  if (page === 'jobs' && id) return <JobPage id={id} key={id} />;
  if (page === 'contexts') return <ContextsPage />;
  if (page === 'bundles') return <BundlesPage />;
  if (page === 'schedules') return <SchedulesPage />;
  if (page === 'console') return <ConsolePage />;
  if (page === 'overview') return <OverviewPage />;
  return <JobsPage />;
}

function App() {
  const [session, setSession] = useState<Session>({ state: 'checking' });
  useEffect(() => {
    whoAmI().then(setSession, (error) => setSession({ state: 'failed', reason: String(error) }));
    return onSignOut((reason) => setSession({ state: 'sign-in', reason }));
  }, []);
  const principal = session.state === 'signed-in' ? session.principal : null;
  return (
    <PrincipalContext.Provider value={principal}>
      <header class="top">
        <a class="brand" href="#/jobs">
          jobserver
        </a>
        {principal && <Nav principal={principal} />}
        {principal?.auth && (
          <div class="who">
            <span>
              Signed in as <b data-principal>{principal.name}</b>
            </span>
            <button type="button" onClick={() => signOut()}>
              Sign out
            </button>
          </div>
        )}
      </header>
      {principal && (
        <main>
          <Page principal={principal} />
        </main>
      )}
      {session.state === 'sign-in' && (
        <main>
          <SignIn
            reason={session.reason}
            onSignedIn={(p) => setSession({ state: 'signed-in', principal: p })}
          />
        </main>
      )}
      {session.state === 'failed' && (
        <main>
          <Message text={`Cannot reach the server: ${session.reason}`} />
        </main>
      )}
    </PrincipalContext.Provider>
  );
}

render(<App />, document.getElementById('app')!);
