import { describe, expect, it } from '@jest/globals';
import { maintenanceNotice } from './maintenance-notice.rules.js';

const NOW = Date.UTC(2026, 10, 23, 9, 0);

describe('maintenanceNotice', () => {
  it('keeps a public reason and a return date for a machine in maintenance', () => {
    expect(
      maintenanceNotice(
        {
          status: 'maintenance',
          publicReason: '  New nozzle, being tested ',
          expectedBackAt: '2026-11-26T14:00:00+01:00',
        },
        NOW,
      ),
    ).toEqual({ publicReason: 'New nozzle, being tested', expectedBackAt: Date.UTC(2026, 10, 26, 13, 0) });
  });

  it('says nothing once the machine is back in service', () => {
    expect(
      maintenanceNotice({ status: 'active', publicReason: 'x', expectedBackAt: '2026-11-26T14:00:00Z' }, NOW),
    ).toEqual({
      publicReason: null,
      expectedBackAt: null,
    });
  });

  it.each([
    ['an email address', 'Ask karim.benali@fablab.example'],
    ['a phone number', 'Call Karim on 06 12 34 56 78'],
    ['an international number', 'Questions: +33 1 23 45 67 89'],
  ])('refuses a public reason with %s', (_what, publicReason) => {
    expect(maintenanceNotice({ status: 'maintenance', publicReason }, NOW)).toMatchObject({ field: 'publicReason' });
  });

  it('accepts numbers that are not phone numbers (a part, a date)', () => {
    expect(maintenanceNotice({ status: 'maintenance', publicReason: 'Nozzle 0.4 mm replaced on 24/11' }, NOW)).toEqual({
      publicReason: 'Nozzle 0.4 mm replaced on 24/11',
      expectedBackAt: null,
    });
  });

  it('refuses a return date in the past, more than a year ahead, or for a retired machine', () => {
    const at = (expectedBackAt: string, status: 'maintenance' | 'retired' = 'maintenance') =>
      maintenanceNotice({ status, expectedBackAt }, NOW);
    expect(at('2026-11-23T08:00:00Z')).toMatchObject({ field: 'expectedBackAt' });
    expect(at('2028-01-01T08:00:00Z')).toMatchObject({ field: 'expectedBackAt' });
    expect(at('2026-11-30T08:00:00Z', 'retired')).toMatchObject({ field: 'expectedBackAt' });
  });
});
