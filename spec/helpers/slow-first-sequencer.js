/**
 * Jest's order of spec files, with the slow ones first where Jest has no timings of its own. Jest runs the files it
 * timed before longest first, so that no worker is left with a long file at the end while the other idles; a checkout
 * it never ran (`.ci/run`: a fresh clone in a new folder, so a new perf cache) it orders by file size, and the slowest
 * files here are among the smallest (spec/http/differential.spec.ts is 8 lines that register ~400 HTTP tests): with
 * two workers they came last, alone. Where Jest has timings, its order is kept as it is.
 * https://jestjs.io/docs/configuration#testsequencer-string
 */
const path = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;

/**
 * Seconds each took in a quiet CI run (2026-12-06, one worker); only the order matters. A file missing here runs in
 * Jest's size order after these, so a stale list costs time, never a test.
 */
const SLOW_SECONDS = {
  'spec/http/differential.spec.ts': 43.9,
  'spec/http/differential-realistic.spec.ts': 21.5,
  'spec/http/paging-snapshot.spec.ts': 19.6,
  'spec/credentials/gateway-keys.spec.ts': 18.9,
  'spec/http/paging-continuation.spec.ts': 12.8,
  'spec/http/incremental-windows.spec.ts': 11.6,
  'spec/server/listen-errors.spec.ts': 9.5,
  'spec/reliability/fuzz.spec.ts': 9.2,
  'spec/reliability/write-faults.spec.ts': 9.1,
  'spec/http/default-order.spec.ts': 8.2,
  'spec/console/console-browser.spec.ts': 7.5,
  'spec/reliability/load.spec.ts': 7.2,
};

class SlowFirstSequencer extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    if (sorted.some((test) => test.duration != null)) return sorted;
    const seconds = (test) => SLOW_SECONDS[path.relative(test.context.config.rootDir, test.path).split(path.sep).join('/')] ?? 0;
    // Array.prototype.sort is stable: the rest keep Jest's size order.
    return sorted.sort((a, b) => seconds(b) - seconds(a));
  }
}

module.exports = SlowFirstSequencer;
