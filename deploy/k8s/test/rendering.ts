import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { render } from './render';
import { objectName, type K8sObject } from './validate';

/** deploy/k8s */
export const K8S = path.resolve(__dirname, '..');
export const ROOT = path.resolve(K8S, '../..');
export const RENDERINGS = ['base', 'overlays/dev', 'overlays/prod'] as const;

// The objects are validated against their schemas first; the assertions then read their fields freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = any;
/** deploy/k8s/secret.example.yaml, the Secret every overlay expects. */
export const exampleSecret = parse(
  readFileSync(path.join(K8S, 'secret.example.yaml'), 'utf8'),
) as K8sObject & {
  stringData: Record<string, string>;
};

export type Container = {
  name: string;
  image: string;
  command: string[];
  env?: {
    name: string;
    value?: string;
    valueFrom?: { secretKeyRef?: { name: string; key: string } };
  }[];
  envFrom?: { configMapRef?: { name: string } }[];
  resources: { requests: Record<string, string>; limits: Record<string, string> };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  ports?: { name: string; containerPort: number }[];
  securityContext?: { runAsUser?: number };
};
type PodSpec = {
  containers: Container[];
  enableServiceLinks?: boolean;
  restartPolicy?: string;
  securityContext?: { runAsNonRoot?: boolean };
};
export type PodTemplate = { metadata: { labels: Record<string, string> }; spec: PodSpec };

/** One rendering (base or overlay) with its objects looked up by kind and name. */
export class Rendering {
  constructor(readonly objects: K8sObject[]) {}

  get(kind: string, name: string): K8sObject & Loose {
    const object = this.objects.find((o) => o.kind === kind && o.metadata.name === name);
    if (!object) throw new Error(`no ${kind} ${name} in the rendering`);
    return object as K8sObject & Loose;
  }

  all(kind: string): (K8sObject & Loose)[] {
    return this.objects.filter((o) => o.kind === kind) as (K8sObject & Loose)[];
  }

  /** Every pod template: the Deployments' and the worker ScaledJob's. */
  podTemplates(): { owner: string; template: PodTemplate }[] {
    return [
      ...this.all('Deployment').map((d) => ({
        owner: objectName(d),
        template: d.spec.template as PodTemplate,
      })),
      ...this.all('ScaledJob').map((j) => ({
        owner: objectName(j),
        template: j.spec.jobTargetRef.template as PodTemplate,
      })),
    ];
  }

  get configMap(): Record<string, string> {
    const maps = this.all('ConfigMap');
    if (maps.length !== 1) throw new Error(`expected one ConfigMap, rendered ${maps.length}`);
    return maps[0].data as Record<string, string>;
  }

  /** The env a container starts with: the ConfigMap, its own values, the example Secret's values. */
  envOf(container: Container, secretValues = exampleSecret.stringData): Record<string, string> {
    const env: Record<string, string> = { ...this.configMap };
    for (const e of container.env ?? []) {
      const ref = e.valueFrom?.secretKeyRef;
      env[e.name] = ref ? secretValues[ref.key] : e.value!;
    }
    return env;
  }
}

const rendered = new Map<string, Rendering>();
/** `kubectl kustomize deploy/k8s/<dir>`, rendered once per test file. */
export function rendering(kubectl: string, dir: string): Rendering {
  if (!rendered.has(dir)) rendered.set(dir, new Rendering(render(kubectl, path.join(K8S, dir))));
  return rendered.get(dir)!;
}

/** Whether a label selector selects these labels. */
export const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);
/** A memory quantity in Mi or Gi, as MiB. */
export const mib = (quantity: string) => {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!match) throw new Error(`quantity ${quantity} is not in Mi or Gi`);
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1);
};
