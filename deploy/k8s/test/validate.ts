import {
  ScaledJob,
  ScaledObject,
  TriggerAuthentication,
} from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Secret, Service } from 'kubernetes-models/v1';

/** A rendered Kubernetes object, as parsed from YAML. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

interface Model {
  validate(): void;
}

/**
 * The kinds our manifests may hold, each with the class of `kubernetes-models` (Kubernetes' OpenAPI
 * schemas) or `@kubernetes-models/keda` (KEDA's CRD schemas) that validates it. Every rendered object
 * must have one: a kind without a schema is a problem, not a pass.
 */
const MODELS: Record<string, new (data: never) => Model> = {
  'apps/v1 Deployment': Deployment,
  'v1 Service': Service,
  'v1 ConfigMap': ConfigMap,
  'v1 Secret': Secret,
  'policy/v1 PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1 NetworkPolicy': NetworkPolicy,
  'keda.sh/v1alpha1 ScaledJob': ScaledJob,
  'keda.sh/v1alpha1 ScaledObject': ScaledObject,
  'keda.sh/v1alpha1 TriggerAuthentication': TriggerAuthentication,
};

interface SchemaError {
  instancePath?: string;
  message?: string;
}

/** `<Kind> <name>`, how a problem names its object. */
export function objectName(object: K8sObject): string {
  return `${object.kind} ${object.metadata?.name ?? '(no name)'}`;
}

/**
 * Validates one object against its kind's schema.
 * @returns the problems, each `<Kind> <name>: <field path> <what is wrong>`; empty when valid
 */
export function validateObject(object: K8sObject): string[] {
  const Model = MODELS[`${object.apiVersion} ${object.kind}`];
  if (!Model) return [`${objectName(object)}: no schema for ${object.apiVersion} ${object.kind}`];
  try {
    new Model(object as never).validate();
    return [];
  } catch (error) {
    const errors = (error as { errors?: SchemaError[] }).errors;
    if (!errors?.length) return [`${objectName(object)}: ${(error as Error).message}`];
    // ajv reports each failed branch of a oneOf too; one line per field is enough.
    const byField = new Map<string, string>();
    for (const e of errors) {
      const field = e.instancePath || '/';
      if (!byField.has(field)) byField.set(field, e.message ?? 'is invalid');
    }
    return [...byField].map(([field, message]) => `${objectName(object)}: ${field} ${message}`);
  }
}
