import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';
import type { K8sObject } from './validate';

/**
 * The kubectl that renders the kustomizations: `$KUBECTL`, else `kubectl` on the PATH (.ci/run
 * installs Debian's kubernetes-client when there is none). Any kubectl from 1.20 (kustomize v2.0.3)
 * on renders them.
 * @returns its path and version line, or undefined when none runs
 */
export function findKubectl(): { kubectl: string; version: string } | undefined {
  const kubectl = process.env.KUBECTL ?? 'kubectl';
  try {
    const version = execFileSync(kubectl, ['version', '--client'], {
      encoding: 'utf8',
      stdio: 'pipe',
    });
    return { kubectl, version: version.split('\n')[0] };
  } catch {
    return undefined;
  }
}

/**
 * `kubectl kustomize <dir>`, parsed.
 * @throws Error with kustomize's message when the kustomization does not build
 */
export function render(kubectl: string, dir: string): K8sObject[] {
  let output: string;
  try {
    output = execFileSync(kubectl, ['kustomize', dir], { encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    throw new Error(
      `kubectl kustomize ${dir} failed: ${(error as { stderr?: string }).stderr ?? error}`,
    );
  }
  return parseAllDocuments(output)
    .map((doc) => doc.toJS() as K8sObject | null)
    .filter((object): object is K8sObject => object !== null);
}
