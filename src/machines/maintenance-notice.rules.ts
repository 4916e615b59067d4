/**
 * What staff may tell the public about a machine out of service (issue 17): a short reason and
 * when they expect it back. The reason is shown on the lobby kiosk and in the makers' app, so it
 * must not carry a way to reach a person; names cannot be told from words, the staff form says so.
 */

/** An email address, or a run of at least 8 digits written the ways phone numbers are. */
const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/;
const PHONE = /\+?\d(?:[\s.\-/()]*\d){7,}/;

/** The longest a machine is announced as "back on …": further out, staff do not know yet. */
const MAX_AHEAD_MS = 366 * 86_400_000;

export interface NoticeInput {
  status: 'active' | 'maintenance' | 'retired';
  publicReason?: string;
  expectedBackAt?: string;
}

export interface MaintenanceNotice {
  publicReason: string | null;
  expectedBackAt: number | null;
}

export type NoticeRefusal = { field: 'publicReason' | 'expectedBackAt'; why: string };

/** The notice to keep, or why it cannot be shown. A machine back in service says nothing. */
export function maintenanceNotice(input: NoticeInput, nowMs: number): MaintenanceNotice | NoticeRefusal {
  if (input.status === 'active') return { publicReason: null, expectedBackAt: null };
  const reason = input.publicReason?.trim() || null;
  if (reason && (EMAIL.test(reason) || PHONE.test(reason))) {
    return {
      field: 'publicReason',
      why: 'The public reason is shown in the lobby and to every maker: leave out email addresses and phone numbers.',
    };
  }
  if (input.expectedBackAt === undefined) return { publicReason: reason, expectedBackAt: null };
  if (input.status === 'retired') {
    return { field: 'expectedBackAt', why: 'A retired machine does not come back: give no return date.' };
  }
  const back = Date.parse(input.expectedBackAt);
  if (!(back > nowMs)) return { field: 'expectedBackAt', why: 'The expected return must be later than now.' };
  if (back - nowMs > MAX_AHEAD_MS) {
    return { field: 'expectedBackAt', why: 'Give an expected return within a year, or none.' };
  }
  return { publicReason: reason, expectedBackAt: back };
}
