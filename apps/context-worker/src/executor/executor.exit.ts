import { errorInfo, toErrorInfo, type ErrorInfo } from '@jobserver/protocol';

/**
 * The error the running jobs of an executor thread that exited by itself fail with: out of memory
 * (naming the `mem-per-node` cap), the uncaught error that ended it, or its exit code.
 */
export function exitError(
  crash: Error | undefined,
  code: number,
  limit: { memoryLimitMb?: number; memoryLimitLabel?: string },
): ErrorInfo {
  if ((crash as { code?: unknown } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return errorInfo('OutOfMemory', `out of memory (${memoryLimitText(limit)})`);
  }
  if (crash) return toErrorInfo(crash);
  return errorInfo('ExecutorExited', `executor exited with code ${code}`);
}

function memoryLimitText({ memoryLimitMb, memoryLimitLabel }: { memoryLimitMb?: number; memoryLimitLabel?: string }): string {
  if (memoryLimitLabel) return `mem-per-node=${memoryLimitLabel}`;
  return memoryLimitMb ? `mem-per-node=${memoryLimitMb}m` : 'no mem-per-node cap';
}
