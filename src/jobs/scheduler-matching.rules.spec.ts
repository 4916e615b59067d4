import { describe, expect, it } from '@jest/globals';
import { HOUR, buildJob, buildMachine, buildEmbroidery, embroideryJob, plan } from './scheduler.fixtures.js';
import { baseEstimateSeconds, expectedDurationMs, matches } from './scheduler.rules.js';

describe('which machine can do a job at all', () => {
  it('sends a print only to a printer, and a design only to an embroidery machine', () => {
    expect(matches(buildJob(), buildMachine())).toBe(true);
    expect(matches(buildJob(), buildEmbroidery())).toBe(false);
    expect(matches(embroideryJob(), buildMachine())).toBe(false);
  });

  it('respects the file formats the bridge says the machine takes, and trusts a bridge that said nothing', () => {
    expect(matches(buildJob({ format: '3mf' }), buildMachine())).toBe(false);
    expect(matches(buildJob({ format: '3mf' }), buildMachine({ fileFormats: null }))).toBe(true);
  });

  it('matches the material case-insensitively against what the printer takes or has loaded', () => {
    expect(matches(buildJob({ needs: { material: ' petg ' } }), buildMachine())).toBe(true);
    expect(matches(buildJob({ needs: { material: 'ASA' } }), buildMachine())).toBe(false);
    expect(matches(buildJob({ needs: { material: 'ASA' } }), buildMachine({ loadedMaterials: ['asa'] }))).toBe(true);
  });

  it('needs the exact nozzle, and a printer that says which nozzle it has', () => {
    expect(matches(buildJob({ needs: { nozzleMm: 0.4 } }), buildMachine())).toBe(true);
    expect(matches(buildJob({ needs: { nozzleMm: 0.6 } }), buildMachine())).toBe(false);
    expect(matches(buildJob({ needs: { nozzleMm: 0.4 } }), buildMachine({ capabilities: {} }))).toBe(false);
  });

  it('refuses a print taller or wider than the build volume on any axis, and accepts one exactly its size', () => {
    expect(matches(buildJob({ needs: { buildVolumeMm: [250, 210, 220] } }), buildMachine())).toBe(true);
    expect(matches(buildJob({ needs: { buildVolumeMm: [100, 100, 221] } }), buildMachine())).toBe(false);
    expect(matches(buildJob({ needs: { buildVolumeMm: [251, 10, 10] } }), buildMachine())).toBe(false);
    expect(matches(buildJob({ needs: { buildVolumeMm: [10, 10, 10] } }), buildMachine({ capabilities: {} }))).toBe(
      false,
    );
  });

  it('puts a design only on a machine with a hoop it fits in, turned a quarter if need be', () => {
    expect(matches(embroideryJob({ designSizeMm: { widthMm: 130, heightMm: 180 } }), buildEmbroidery())).toBe(false);
    const big = buildEmbroidery({
      capabilities: {
        hoopsMm: [
          [100, 100],
          [200, 130],
        ],
      },
    });
    expect(matches(embroideryJob({ designSizeMm: { widthMm: 130, heightMm: 180 } }), big)).toBe(true);
    // An unknown design size does not keep a job off every machine.
    expect(matches(embroideryJob({ designSizeMm: { widthMm: null, heightMm: 50 } }), buildEmbroidery())).toBe(true);
  });

  it('keeps a job off a machine that refused it, off other machines than its target, and off other sites', () => {
    expect(matches(buildJob({ avoidMachineIds: ['mk4-1'] }), buildMachine())).toBe(false);
    expect(matches(buildJob({ targetMachineId: 'mk4-2' }), buildMachine())).toBe(false);
    expect(matches(buildJob({ targetMachineId: 'mk4-1' }), buildMachine())).toBe(true);
    const other = buildJob({ siteId: 'other-site' });
    expect(plan({ jobs: [other], machines: [buildMachine()] }).waiting.get(other.id)).toBe('no_matching_machine');
  });
});

describe('how long a job is expected to take', () => {
  it('judges a machine 40 % slower than its estimates on 1.4× the estimate', () => {
    const job = buildJob({ estimatedSeconds: 3600 });
    expect(expectedDurationMs(job, buildMachine({ durationRatio: 1.4 }), { unknownEstimateMs: 0 })).toBe(1.4 * HOUR);
  });

  it('assumes the configured duration for a file with no estimate', () => {
    const job = buildJob({ estimatedSeconds: null });
    expect(expectedDurationMs(job, buildMachine({ durationRatio: 3 }), { unknownEstimateMs: 2 * HOUR })).toBe(2 * HOUR);
  });

  it('times a design by the machine sewing it: a single-needle machine is slower than a multi-needle one', () => {
    const job = embroideryJob();
    expect(baseEstimateSeconds(job, { stitchesPerMinute: 400, needles: 1 })).toBe(15 * 60 + 2 * 60);
    expect(baseEstimateSeconds(job, { stitchesPerMinute: 800, needles: 6 })).toBe(450 + 2 * 3);
    expect(baseEstimateSeconds(job, {})).toBeNull();
  });

  it('treats a misconfigured machine speed as an unknown estimate instead of stopping the scheduler', () => {
    const job = embroideryJob();
    expect(baseEstimateSeconds(job, { stitchesPerMinute: -5 })).toBeNull();
    expect(baseEstimateSeconds(job, { stitchesPerMinute: 600, needles: 0 })).toBeNull();
    expect(baseEstimateSeconds(job, { stitchesPerMinute: '600' as unknown as number })).toBeNull();
    const broken = buildEmbroidery({ capabilities: { needles: 0, stitchesPerMinute: 600 } });
    expect(plan({ jobs: [job], machines: [broken] }).starts).toEqual([
      { jobId: job.id, machineId: 'pp1', expectedMs: 2 * HOUR },
    ]);
  });
});

describe('what is loaded right now', () => {
  it('does not start a PETG print on a printer loaded with PLA, but lets it wait for a spool change', () => {
    const job = buildJob({ needs: { material: 'PETG' } });
    const pla = buildMachine({ loadedMaterials: ['PLA'] });
    expect(matches(job, pla)).toBe(true);
    const result = plan({ jobs: [job], machines: [pla] });
    expect(result.starts).toEqual([]);
    expect(result.waiting.get(job.id)).toBe('no_matching_machine');
  });

  it('routes the print to the printer that has its material loaded', () => {
    const job = buildJob({ needs: { material: 'petg' } });
    const machines = [
      buildMachine({ loadedMaterials: ['PLA'] }),
      buildMachine({ id: 'mk4-2', loadedMaterials: ['PETG'] }),
    ];
    expect(plan({ jobs: [job], machines }).starts.map((s) => s.machineId)).toEqual(['mk4-2']);
  });

  it('trusts a printer that does not report its spools with what it is declared to take', () => {
    const job = buildJob({ needs: { material: 'PETG' } });
    expect(plan({ jobs: [job], machines: [buildMachine({ loadedMaterials: [] })] }).starts).toHaveLength(1);
  });
});
