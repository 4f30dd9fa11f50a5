import { serverInternals } from '@jobserver/api';
import { CONFIG_DEFAULTS, parseByteSize, parseDurationMs } from '@jobserver/config';
import { describe, expect, it } from 'vitest';

/** libs/api imports nothing, so runJobForTest's defaults repeat the server's: they must not drift. */
describe('JOB_RUN_DEFAULTS', () => {
  it("equal libs/config's CONFIG_DEFAULTS", () => {
    expect(serverInternals.JOB_RUN_DEFAULTS).toEqual({
      maxResultSize: parseByteSize(CONFIG_DEFAULTS['max-result-size']),
      maxErrorSize: parseByteSize(CONFIG_DEFAULTS['max-error-size']),
      validateTimeoutMs: parseDurationMs(CONFIG_DEFAULTS['validate-timeout']),
      progressRate: CONFIG_DEFAULTS['progress-rate'],
      logLineLimit: parseByteSize(CONFIG_DEFAULTS['log-line-limit']),
      logLinesRetained: CONFIG_DEFAULTS['log-lines-retained'],
    });
  });
});
