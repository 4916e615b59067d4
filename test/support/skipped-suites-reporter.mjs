// Ends the run with the line that says which suites did not run here, and how to run them.
import process from 'node:process';

export default class SkippedSuitesReporter {
  constructor(_globalConfig, options) {
    this.skipped = options.skipped;
  }

  onRunComplete() {
    if (this.skipped) process.stderr.write(`${this.skipped}\n`);
  }
}
