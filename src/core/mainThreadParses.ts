import { isMainThread } from 'node:worker_threads';

/**
 * Whole-document parses on the main thread, per kind. The editor parses documents only in the lint worker (issue
 * #12: on a pathological file one parse blocks the extension host for tens of milliseconds); its editor-block E2E
 * reads these through kvmnet.internal.eventLoopStats and expects none while the user types.
 */
export const mainThreadParses = { xml: 0, script: 0 };

export function countParse(kind: keyof typeof mainThreadParses): void {
  if (isMainThread) mainThreadParses[kind]++;
}
