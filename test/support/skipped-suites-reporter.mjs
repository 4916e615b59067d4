// Ends the run with a line for each group of suites that did not run here, and how to run them.
import process from 'node:process';

export default class SkippedSuitesReporter {
  constructor(_globalConfig, options) {
    this.skipped = options.skipped;
  }

  onRunComplete() {
    for (const line of this.skipped) process.stderr.write(`${line}\n`);
  }
}
