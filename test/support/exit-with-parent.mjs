// Preloaded (--import) into the services tests start as child processes. A test runner that is
// itself killed hard (a jest timeout, Ctrl-C twice) cannot end its children; left alone they would
// hold ports and data folders forever, so each one ends itself once its parent is gone.
import process from 'node:process';
import { setInterval } from 'node:timers';

const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) process.exit(70);
}, 500).unref();
