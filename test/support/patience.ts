/**
 * How long a test waits for something that should happen, before calling it a failure.
 *
 * Every wait in the suites ends on an event (a frame, a command, a DOM state, a count reached);
 * this bound only turns a hang into a failure with a message. It is sized for a machine many
 * times slower than a developer's laptop — a busy 2-core CI runner, a Raspberry Pi — so it never
 * decides a test's outcome on a healthy machine. How fast things happen is `npm run bench`'s job.
 */
export const PATIENCE_MS = 120_000;
