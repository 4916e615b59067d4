import { describe, expect, it } from '@jest/globals';
import { estimateEmbroiderySeconds, fitsHoop } from './embroidery-duration.js';

const design = { stitches: 12_000, colorChanges: 4, trims: 10 };

describe('estimateEmbroiderySeconds', () => {
  it('adds a minute of re-threading per colour change on a single-needle machine', () => {
    // 12 000 stitches at 800 spm = 900 s, 4 × 60 s, 10 × 2 s
    expect(estimateEmbroiderySeconds(design, { stitchesPerMinute: 800, needles: 1 })).toBe(900 + 240 + 20);
  });

  it('adds a few seconds per colour change on a multi-needle machine', () => {
    // 12 000 at 1000 spm = 720 s, 4 × 3 s, 10 × 2 s
    expect(estimateEmbroiderySeconds(design, { stitchesPerMinute: 1000, needles: 10 })).toBe(720 + 12 + 20);
  });

  it('takes the machine profile’s own pause lengths', () => {
    expect(
      estimateEmbroiderySeconds(design, {
        stitchesPerMinute: 1000,
        needles: 1,
        colorChangeSeconds: 90,
        trimSeconds: 0,
      }),
    ).toBe(720 + 360);
  });

  it('rounds up to whole seconds and treats unknown pauses as none', () => {
    expect(
      estimateEmbroiderySeconds(
        { stitches: 13, colorChanges: null, trims: null },
        { stitchesPerMinute: 400, needles: 1 },
      ),
    ).toBe(2);
  });

  it('is unknown when the stitch count is', () => {
    expect(
      estimateEmbroiderySeconds({ stitches: null, colorChanges: 1, trims: 0 }, { stitchesPerMinute: 800, needles: 1 }),
    ).toBeNull();
  });

  it('refuses an impossible machine profile', () => {
    expect(() => estimateEmbroiderySeconds(design, { stitchesPerMinute: 0, needles: 1 })).toThrow(RangeError);
    expect(() => estimateEmbroiderySeconds(design, { stitchesPerMinute: 800, needles: 0 })).toThrow(RangeError);
    expect(() => estimateEmbroiderySeconds(design, { stitchesPerMinute: 800, needles: 1, trimSeconds: -1 })).toThrow(
      RangeError,
    );
  });
});

describe('fitsHoop', () => {
  const hoops: Array<[number, number]> = [
    [100, 100],
    [130, 180],
  ];

  it('fits a design inside a hoop, edges included', () => {
    expect(fitsHoop({ widthMm: 100, heightMm: 100 }, hoops)).toBe(true);
    expect(fitsHoop({ widthMm: 120, heightMm: 170 }, hoops)).toBe(true);
  });

  it('fits a design turned a quarter', () => {
    expect(fitsHoop({ widthMm: 175, heightMm: 125 }, hoops)).toBe(true);
  });

  it('does not fit a design larger than every hoop either way round', () => {
    expect(fitsHoop({ widthMm: 150, heightMm: 150 }, hoops)).toBe(false);
    expect(fitsHoop({ widthMm: 10, heightMm: 10 }, [])).toBe(false);
  });

  it('is unknown when the design size is', () => {
    expect(fitsHoop({ widthMm: null, heightMm: 50 }, hoops)).toBeNull();
  });
});
