import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadServerConfig } from '@jobserver/config';

const ROOT = path.resolve(__dirname, '..');
const compose = parse(readFileSync(path.join(ROOT, 'docker-compose.yml'), 'utf8'), { merge: true });
const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
const stages = dockerfile.split(/^FROM /m).slice(1);
const [buildStage, runtimeStage] = [stages[0], stages[stages.length - 1]];
const services = compose.services as Record<string, Record<string, unknown>>;

/** The `apps/<app>/dist/<file>.js` entries a service runs: its command and its health check. */
function appEntries(service: Record<string, unknown>): string[] {
  const health = (service.healthcheck as { test?: string[] } | undefined)?.test ?? [];
  return [...((service.command as string[] | undefined) ?? []), ...health].filter((arg) =>
    /^apps\/[^/]+\/dist\/.+\.js$/.test(arg),
  );
}

const workspaces = ['apps', 'libs'].flatMap((dir) =>
  readdirSync(path.join(ROOT, dir)).map((name) => `${dir}/${name}`),
);

describe('docker-compose.yml and Dockerfile', () => {
  it('has no top-level name (Debian docker-compose v1 rejects it) and the cluster services', () => {
    expect(compose.name).toBeUndefined();
    expect(Object.keys(services).sort()).toEqual(['context-worker', 'gateway', 'postgres', 'redis', 'scheduler']);
    expect(services.postgres.volumes).toContain('pgdata:/var/lib/postgresql/data');
    expect(services.gateway.ports).toContain('${JOBSERVER_PORT:-8090}:8090');
    expect(services.scheduler.environment).toMatchObject({ JOBSERVER_LAUNCHER: 'pool' });
    expect(services['context-worker'].restart).toBe('always');
    expect(Object.keys(services['context-worker'].environment as object).sort()).toEqual([
      'DATABASE_URL',
      'JOBSERVER_WORKER_USER',
      'LOG_LEVEL',
      'REDIS_URL',
    ]);
    // A root supervisor runs the real worker as the image's unprivileged user (docs/security.md).
    expect(services['context-worker']).toMatchObject({ user: 'root', environment: { JOBSERVER_WORKER_USER: 'node' } });
  });

  it('gives every service a health check, and starts apps only once what they need is healthy', () => {
    for (const [name, service] of Object.entries(services)) {
      expect(service.healthcheck, name).toBeDefined();
      for (const condition of Object.values((service.depends_on ?? {}) as Record<string, { condition: string }>)) {
        expect(condition.condition, name).toBe('service_healthy');
      }
    }
  });

  it.each(['gateway', 'scheduler', 'context-worker'])(
    'runs %s from an entry that the build produces and the runtime image holds',
    (name) => {
      const entries = appEntries(services[name]);
      expect((services[name].command as string[])[1]).toBe(`apps/${name}/dist/main.js`);
      for (const entry of entries) {
        expect(existsSync(path.join(ROOT, entry)), `${entry} is built`).toBe(true);
        const dist = entry.slice(0, entry.indexOf('/dist/') + '/dist'.length);
        expect(runtimeStage, `runtime stage copies ${dist}`).toContain(`COPY --from=build /app/${dist} ${dist}`);
      }
    },
  );

  it('builds every workspace in the build stage and ships the libs the apps link to', () => {
    expect(buildStage).toMatch(/RUN npm ci\b/);
    expect(buildStage).toContain('nx run-many -t build');
    for (const workspace of [...workspaces, 'examples']) {
      expect(buildStage, workspace).toContain(`COPY ${workspace}/package.json ${workspace}/`);
    }
    for (const lib of workspaces.filter((w) => w.startsWith('libs/'))) {
      expect(runtimeStage, lib).toContain(`COPY --from=build /app/${lib}/dist ${lib}/dist`);
    }
    // The gateway serves the web UI's static build from apps/web/dist.
    expect(runtimeStage).toContain('COPY --from=build /app/apps/web/dist apps/web/dist');
    expect(runtimeStage).toMatch(/^USER node$/m);
  });

  it('turns auth on in the gateway with the admin from JOBSERVER_AUTH_ADMIN_USER / _PASSWORD_HASH, holding *', async () => {
    const auth = (services.gateway.environment as Record<string, string>).JOBSERVER_AUTH;
    const hash = `scrypt:${'ab'.repeat(16)}:${'cd'.repeat(64)}`;
    const env = { JOBSERVER_AUTH_ADMIN_USER: 'root', JOBSERVER_AUTH_ADMIN_PASSWORD_HASH: hash };
    const config = await loadServerConfig({ JOBSERVER_AUTH: interpolate(auth, env) });
    expect(config.auth).toMatchObject({ enabled: true, users: { root: { passwordHash: hash, permissions: ['*'] } } });
    expect(config.host).toBe('0.0.0.0');
  });

  it('refuses to start without the admin credentials, saying which variable is missing', () => {
    const auth = (services.gateway.environment as Record<string, string>).JOBSERVER_AUTH;
    expect(() => interpolate(auth, { JOBSERVER_AUTH_ADMIN_USER: 'root' })).toThrow(/JOBSERVER_AUTH_ADMIN_PASSWORD_HASH.*hash-password/);
    expect(() => interpolate(auth, {})).toThrow(/JOBSERVER_AUTH_ADMIN_USER/);
  });

  it.skipIf(!hasDockerCompose())('validates with docker-compose v1', () => {
    const env = {
      ...process.env,
      JOBSERVER_AUTH_ADMIN_USER: 'root',
      JOBSERVER_AUTH_ADMIN_PASSWORD_HASH: `scrypt:${'ab'.repeat(16)}:${'cd'.repeat(64)}`,
    };
    expect(() =>
      execFileSync('docker-compose', ['-f', path.join(ROOT, 'docker-compose.yml'), 'config', '-q'], { stdio: 'pipe', env }),
    ).not.toThrow();
  });
});

/** Compose's `${VAR}`, `${VAR:-default}` and `${VAR:?message}` (an error naming the variable). */
function interpolate(text: string, env: Record<string, string>): string {
  return text.replace(/\$\{([A-Z0-9_]+)(?:(:-|:\?)([^}]*))?\}/g, (_all, name: string, op?: string, arg?: string) => {
    const value = env[name];
    if (value !== undefined && value !== '') return value;
    if (op === ':?') throw new Error(`required variable ${name} is missing a value: ${arg}`);
    return op === ':-' ? (arg ?? '') : '';
  });
}

function hasDockerCompose(): boolean {
  try {
    execFileSync('docker-compose', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
