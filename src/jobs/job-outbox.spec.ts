import { describe, expect, it } from '@jest/globals';
import { fileEstimate } from './job-outbox.js';

describe('fileEstimate', () => {
  it("passes on a print's slicer time, layers and filament, as the file states them", () => {
    const metadata = { format: 'gcode', layers: 120, filamentGrams: 12.3, estimatedSeconds: 3720, warnings: [] };
    expect(fileEstimate({ metadata: metadata as never, estimatedSeconds: 3720 })).toEqual({
      durationS: 3720,
      layers: 120,
      filamentG: 12.3,
    });
  });

  it("passes on a design's stitches and colour blocks", () => {
    const metadata = { format: 'dst', stitches: 7500, colorBlocks: 6, colorChanges: 5, warnings: [] };
    expect(fileEstimate({ metadata: metadata as never, estimatedSeconds: null })).toEqual({
      stitches: 7500,
      colorBlocks: 6,
    });
  });

  it('says nothing for a file that states nothing, rather than zeros', () => {
    const metadata = { format: 'gcode', layers: null, filamentGrams: null, warnings: ['unreadable'] };
    expect(fileEstimate({ metadata: metadata as never, estimatedSeconds: null })).toBeUndefined();
    expect(fileEstimate({ metadata: null, estimatedSeconds: 0 })).toBeUndefined();
  });
});
