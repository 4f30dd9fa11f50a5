import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadServerConfig } from '@jobserver/config';
import { findKubectl, render } from './test/render';
import { exampleSecret, K8S } from './test/rendering';
import { validateObject } from './test/validate';

const found = findKubectl();

describe('deploy/k8s/secret.example.yaml', () => {
  it('validates the example Secret, whose placeholder auth the gateway refuses to start with', async () => {
    expect(validateObject(exampleSecret)).toEqual([]);
    await expect(
      loadServerConfig({ JOBSERVER_AUTH: exampleSecret.stringData.JOBSERVER_AUTH }),
    ).rejects.toThrow(/password-hash/);
  });
});

describe.skipIf(!found)(
  `deploy/k8s bad input, rendered with ${found ? found.version : 'kubectl: SKIPPED, no kubectl here (.ci/run installs kubernetes-client)'}`,
  () => {
    describe('an overlay with a bad value', () => {
      const dirs: string[] = [];
      afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

      /** A throwaway overlay of the base with one patch. */
      function badOverlay(patch: string, json6902?: { kind: string; name: string }): string {
        const dir = mkdtempSync(path.join(tmpdir(), 'jobserver-k8s-bad-'));
        dirs.push(dir);
        const patchKey = json6902
          ? `patchesJson6902:\n  - target: {group: keda.sh, version: v1alpha1, kind: ${json6902.kind}, name: ${json6902.name}}\n    path: patch.yaml\n`
          : 'patchesStrategicMerge:\n  - patch.yaml\n';
        writeFileSync(
          path.join(dir, 'kustomization.yaml'),
          `bases:\n  - ${path.relative(dir, path.join(K8S, 'base'))}\n${patchKey}`,
        );
        writeFileSync(path.join(dir, 'patch.yaml'), patch);
        return dir;
      }

      it('names the object and field of replicas: "three"', () => {
        const dir = badOverlay(
          'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: jobserver-scheduler\nspec:\n  replicas: three\n',
        );
        const problems = render(found!.kubectl, dir).flatMap(validateObject);
        expect(problems).toEqual([
          'Deployment jobserver-scheduler: /spec/replicas must be integer',
        ]);
      });

      it("names the object and field of a worker's memory limit that is no quantity", () => {
        const patch =
          '- op: replace\n  path: /spec/jobTargetRef/template/spec/containers/0/resources/limits/memory\n  value: 2 gigs\n';
        const dir = badOverlay(patch, { kind: 'ScaledJob', name: 'jobserver-context-worker' });
        const problems = render(found!.kubectl, dir).flatMap(validateObject);
        expect(problems).toEqual([
          expect.stringMatching(
            /^ScaledJob jobserver-context-worker: \/spec\/jobTargetRef\/template\/spec\/containers\/0\/resources\/limits\/memory must match pattern/,
          ),
        ]);
      });
    });
  },
);
