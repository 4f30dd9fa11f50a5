import type { ValidationResult } from './types';

/** A passing validation result. */
export function valid(): { valid: true } {
  return { valid: true };
}

/** A failing validation result; `reason` becomes the message of the 400 VALIDATION FAILED answer. */
export function invalid(reason: string): { valid: false; reason: string } {
  return { valid: false, reason };
}

/**
 * Reads what `validate` returned: `null` when valid, else the reason.
 * @throws TypeError when the value is none of the shapes a `ValidationResult` may take.
 */
export function validationFailure(result: ValidationResult | unknown): string | null {
  if (result === undefined || result === true) return null;
  if (typeof result === 'object' && result !== null && 'valid' in result) {
    const r = result as { valid: unknown; reason?: unknown };
    if (r.valid === true) return null;
    if (r.valid === false) return typeof r.reason === 'string' ? r.reason : 'invalid job config';
  }
  throw new TypeError(
    `validate returned ${String(result)}; expected undefined, true, valid() or invalid(reason)`,
  );
}
