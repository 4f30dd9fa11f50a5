/** The error object of API.md: `{message, errorClass, stack}`. */
export interface ErrorInfo {
  message: string;
  errorClass: string;
  stack: string[];
}

/** Turns anything thrown into an {@link ErrorInfo} (errorClass = the error's `name`). */
export function toErrorInfo(error: unknown): ErrorInfo {
  if (error instanceof Error || (typeof error === 'object' && error !== null && 'message' in error)) {
    const e = error as Error;
    const frames = (e.stack ?? '')
      .split('\n')
      .slice(1)
      .map((line) => line.trim())
      .filter((line) => line.startsWith('at '));
    return { message: String(e.message), errorClass: e.name || 'Error', stack: frames };
  }
  return { message: String(error), errorClass: 'Error', stack: [] };
}

/** An {@link ErrorInfo} with no stack, for errors the server itself reports. */
export function errorInfo(errorClass: string, message: string): ErrorInfo {
  return { message, errorClass, stack: [] };
}
