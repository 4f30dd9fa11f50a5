import { render } from 'preact';
import { BundlesPage } from './pages/bundles';
import { ConsolePage } from './pages/console';
import { ContextsPage } from './pages/contexts';
import { JobPage } from './pages/job';
import { JobsPage } from './pages/jobs';
import { OverviewPage } from './pages/overview';
import { useRoute } from './router';
import 'uplot/dist/uPlot.min.css';
import './style.css';

const NAV = [
  ['jobs', 'Jobs'],
  ['contexts', 'Contexts'],
  ['bundles', 'Bundles'],
  ['console', 'Console'],
  ['overview', 'Overview'],
] as const;

function App() {
  const [page = 'jobs', id] = useRoute();
  return (
    <>
      <header class="top">
        <a class="brand" href="#/jobs">
          jobserver
        </a>
        <nav>
          {NAV.map(([path, label]) => (
            <a key={path} href={`#/${path}`} aria-current={page === path ? 'page' : undefined}>
              {label}
            </a>
          ))}
        </nav>
      </header>
      <main>
        {page === 'jobs' && id ? (
          <JobPage id={id} key={id} />
        ) : page === 'contexts' ? (
          <ContextsPage />
        ) : page === 'bundles' ? (
          <BundlesPage />
        ) : page === 'console' ? (
          <ConsolePage />
        ) : page === 'overview' ? (
          <OverviewPage />
        ) : (
          <JobsPage />
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
