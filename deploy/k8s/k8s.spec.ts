import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadServerConfig, parseByteSize } from '@jobserver/config';
import { RedisNames } from '@jobserver/protocol';
import { findKubectl } from './test/render';
import {
  exampleSecret,
  matches,
  mib,
  RENDERINGS,
  rendering as renderingWith,
  ROOT,
  type Container,
  type Loose,
  type PodTemplate,
} from './test/rendering';
import { objectName, validateObject } from './test/validate';

const MIB = 1024 ** 2;
/** What a pool worker pod holds besides its executor's heap: supervisor ~48 MiB + worker ~130 MiB, rounded up. */
const WORKER_OVERHEAD_MIB = 192;

const found = findKubectl();
const rendering = (dir: string) => renderingWith(found!.kubectl, dir);

describe.skipIf(!found)(
  `deploy/k8s rendered with ${found ? found.version : 'kubectl: SKIPPED, no kubectl here (.ci/run installs kubernetes-client)'}`,
  () => {
    describe.each(RENDERINGS)('%s', (dir) => {
      it('renders, and every object is valid against its Kubernetes or KEDA schema', () => {
        const { objects } = rendering(dir);
        expect(objects.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(
          expect.arrayContaining([
            'Deployment/jobserver-gateway',
            'Deployment/jobserver-scheduler',
            'ScaledJob/jobserver-context-worker',
          ]),
        );
        expect(objects.flatMap(validateObject)).toEqual([]);
      });

      it('runs the gateway behind a Service, ready on /healthz, with a PodDisruptionBudget over its pods only', () => {
        const r = rendering(dir);
        const gateway = r.get('Deployment', 'jobserver-gateway');
        const pod = gateway.spec.template as PodTemplate;
        const [container] = pod.spec.containers;
        expect(container.command).toEqual(['node', 'apps/gateway/dist/main.js']);
        expect(container.readinessProbe?.httpGet).toEqual({ path: '/healthz', port: 'http' });
        expect(container.ports).toEqual([{ name: 'http', containerPort: 8090 }]);
        expect(gateway.spec.replicas).toBeGreaterThanOrEqual(1);
        const service = r.get('Service', 'jobserver-gateway');
        expect(matches(service.spec.selector, pod.metadata.labels)).toBe(true);
        expect(service.spec.ports[0].targetPort).toBe('http');
        const pdb = r.get('PodDisruptionBudget', 'jobserver-gateway');
        expect(matches(pdb.spec.selector.matchLabels, pod.metadata.labels)).toBe(true);
        for (const { owner, template } of r
          .podTemplates()
          .filter((t) => t.owner !== objectName(gateway))) {
          expect(matches(pdb.spec.selector.matchLabels, template.metadata.labels), owner).toBe(
            false,
          );
          expect(matches(service.spec.selector, template.metadata.labels), owner).toBe(false);
        }
      });

      it('runs two schedulers with the pool launcher', () => {
        const r = rendering(dir);
        const scheduler = r.get('Deployment', 'jobserver-scheduler');
        expect(scheduler.spec.replicas).toBe(2);
        expect(scheduler.spec.template.spec.containers[0].command).toEqual([
          'node',
          'apps/scheduler/dist/main.js',
        ]);
        expect(r.configMap.JOBSERVER_LAUNCHER).toBe('pool');
      });

      it('makes context workers with KEDA from the context-claims wait list under the configured prefix', () => {
        const r = rendering(dir);
        const workers = r.get('ScaledJob', 'jobserver-context-worker');
        const prefix = r.configMap.JOBSERVER_PREFIX;
        const [trigger] = workers.spec.triggers;
        expect(trigger).toMatchObject({
          type: 'redis',
          metadata: {
            listName: `${prefix}:${new RedisNames(prefix).contextClaimQueue}:wait`,
            listLength: '1',
          },
        });
        const auth = r.get('TriggerAuthentication', trigger.authenticationRef.name);
        for (const ref of auth.spec.secretTargetRef) {
          expect(ref.name).toBe(exampleSecret.metadata.name);
          expect(Object.keys(exampleSecret.stringData)).toContain(ref.key);
        }
        expect(workers.spec).toMatchObject({
          scalingStrategy: { strategy: 'accurate' },
          rollout: { strategy: 'gradual' },
        });
        expect(workers.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
        expect(workers.spec.maxReplicaCount).toBeGreaterThanOrEqual(workers.spec.minReplicaCount);
        // A worker exits when its context ends: the Job ends with it, and is not retried.
        expect(workers.spec.jobTargetRef).toMatchObject({
          backoffLimit: 0,
          template: { spec: { restartPolicy: 'Never' } },
        });
        const [container] = workers.spec.jobTargetRef.template.spec.containers as Container[];
        expect(container.command).toEqual(['node', 'apps/context-worker/dist/main.js']);
        // The gateway refuses contexts past what the workers can host.
        expect(Number(r.configMap.JOBSERVER_MAX_CONTEXTS)).toBe(workers.spec.maxReplicaCount);
      });

      it("limits a worker's memory to 192Mi + the context defaults' mem-per-node", async () => {
        const r = rendering(dir);
        const [container] = r.get('ScaledJob', 'jobserver-context-worker').spec.jobTargetRef
          .template.spec.containers as Container[];
        const config = await loadServerConfig(r.envOf(container));
        const heapMib = parseByteSize(config.contextDefaults['mem-per-node'])! / MIB;
        expect(mib(container.resources.limits.memory)).toBe(WORKER_OVERHEAD_MIB + heapMib);
        expect(container.resources.requests.memory).toBe(container.resources.limits.memory);
      });

      it('isolates pods: only the gateway accepts connections, every jobserver pod is denied by default', () => {
        const r = rendering(dir);
        const policies = r.all('NetworkPolicy');
        const deny = policies.find((p) => !p.spec.ingress && !p.spec.egress);
        expect(deny?.spec.policyTypes.sort()).toEqual(['Egress', 'Ingress']);
        for (const { owner, template } of r.podTemplates()) {
          expect(matches(deny!.spec.podSelector.matchLabels, template.metadata.labels), owner).toBe(
            true,
          );
          const admitting = policies.filter(
            (p) =>
              p.spec.ingress && matches(p.spec.podSelector.matchLabels, template.metadata.labels),
          );
          const isGateway = owner === 'Deployment jobserver-gateway';
          expect(admitting.length > 0, `${owner} accepts connections`).toBe(isGateway);
          for (const p of admitting)
            expect(p.spec.ingress).toEqual([{ ports: [{ protocol: 'TCP', port: 8090 }] }]);
        }
        const egressPorts = policies.flatMap((p) =>
          (p.spec.egress ?? []).flatMap((rule: Loose) => rule.ports.map((x: Loose) => x.port)),
        );
        expect(egressPorts).toEqual(expect.arrayContaining([53, 6379, 5432]));
      });

      it('gives each process its secrets from the Secret, its settings from the ConfigMap, one image', async () => {
        const r = rendering(dir);
        const configMapName = r.all('ConfigMap')[0].metadata.name;
        const images = new Set<string>();
        for (const { owner, template } of r.podTemplates()) {
          expect(template.spec.enableServiceLinks, owner).toBe(false);
          const [container] = template.spec.containers;
          images.add(container.image);
          expect(container.envFrom, owner).toEqual([{ configMapRef: { name: configMapName } }]);
          const fromSecret = (container.env ?? []).filter((e) => e.valueFrom?.secretKeyRef);
          expect(
            fromSecret.map((e) => e.name),
            owner,
          ).toEqual(expect.arrayContaining(['DATABASE_URL', 'REDIS_URL']));
          for (const e of fromSecret) {
            expect(e.valueFrom!.secretKeyRef!.name, owner).toBe(exampleSecret.metadata.name);
            expect(Object.keys(exampleSecret.stringData), owner).toContain(
              e.valueFrom!.secretKeyRef!.key,
            );
          }
          const literals = (container.env ?? []).filter((e) => !e.valueFrom).map((e) => e.name);
          expect(
            [...literals, ...Object.keys(r.configMap)].filter((n) => n in exampleSecret.stringData),
            owner,
          ).toEqual([]);
          const entry = container.command[1].replace(
            /^apps\/([^/]+)\/dist\/main\.js$/,
            'apps/$1/src/main.ts',
          );
          expect(existsSync(path.join(ROOT, entry)), `${owner} runs ${container.command[1]}`).toBe(
            true,
          );
          // The settings each process starts with pass the server's own config validation.
          const env = r.envOf(container, {
            ...exampleSecret.stringData,
            JOBSERVER_AUTH: '{"enabled": true, "users": {}}',
          });
          await expect(loadServerConfig(env), owner).resolves.toMatchObject({ launcher: 'pool' });
        }
        expect(images.size).toBe(1);
        const gatewayEnv = r.get('Deployment', 'jobserver-gateway').spec.template.spec.containers[0]
          .env as Container['env'];
        expect(
          gatewayEnv!.find((e) => e.name === 'JOBSERVER_AUTH')?.valueFrom?.secretKeyRef?.key,
        ).toBe('JOBSERVER_AUTH');
      });

      it('runs gateway and scheduler unprivileged, and workers as a root supervisor of an unprivileged worker', () => {
        const r = rendering(dir);
        for (const name of ['jobserver-gateway', 'jobserver-scheduler']) {
          expect(
            r.get('Deployment', name).spec.template.spec.securityContext.runAsNonRoot,
            name,
          ).toBe(true);
        }
        const [container] = r.get('ScaledJob', 'jobserver-context-worker').spec.jobTargetRef
          .template.spec.containers as Container[];
        expect(container.securityContext?.runAsUser).toBe(0);
        expect(container.env).toContainEqual({ name: 'JOBSERVER_WORKER_USER', value: 'node' });
      });
    });

    it('sizes the overlays: dev one gateway and 256m contexts, prod three gateways and 2g contexts', () => {
      const sizes = (dir: string) => {
        const r = rendering(dir);
        const workers = r.get('ScaledJob', 'jobserver-context-worker');
        return {
          gateways: r.get('Deployment', 'jobserver-gateway').spec.replicas,
          workerMemory:
            workers.spec.jobTargetRef.template.spec.containers[0].resources.limits.memory,
          workers: [workers.spec.minReplicaCount, workers.spec.maxReplicaCount],
          namespace: r.get('Deployment', 'jobserver-gateway').metadata.namespace,
        };
      };
      expect(sizes('base')).toEqual({
        gateways: 2,
        workerMemory: '704Mi',
        workers: [2, 20],
        namespace: undefined,
      });
      expect(sizes('overlays/dev')).toEqual({
        gateways: 1,
        workerMemory: '448Mi',
        workers: [1, 4],
        namespace: 'jobserver-dev',
      });
      expect(sizes('overlays/prod')).toEqual({
        gateways: 3,
        workerMemory: '2240Mi',
        workers: [4, 50],
        namespace: 'jobserver',
      });
    });
  },
);
