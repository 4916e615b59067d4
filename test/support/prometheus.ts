/** One sample of the Prometheus text format: `name{label="value",…} 12.5`. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  /** Metric family name → its TYPE line (counter, gauge, histogram, …). */
  types: Map<string, string>;
  samples: Sample[];
  /** The sample with exactly these labels (others absent), or undefined. */
  value(name: string, labels?: Record<string, string>): number | undefined;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/gy;

/**
 * A strict reader of the text exposition format 0.0.4: every line must be a comment, a HELP or
 * TYPE line, or a well-formed sample, or it throws naming the line (what Prometheus would reject).
 */
export function parsePrometheus(text: string): Exposition {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$/.exec(line);
      if (type) types.set(type[1], type[2]);
      else if (!/^# (HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*|[^HT].*)$/.test(line))
        throw new Error(`line ${index + 1}: ${line}`);
      return;
    }
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`line ${index + 1} is not a sample: ${line}`);
    const [, name, labelText = '', raw] = match;
    // Prometheus reads values with Go's ParseFloat: NaN and Inf in any case (prom-client writes `Nan`).
    const special = { nan: NaN, '+inf': Infinity, inf: Infinity, '-inf': -Infinity }[raw.toLowerCase()];
    const value = special ?? Number(raw);
    if (Number.isNaN(value) && special === undefined) throw new Error(`line ${index + 1}: bad value ${raw}`);
    const labels: Record<string, string> = {};
    LABEL.lastIndex = 0;
    let consumed = 0;
    for (let label = LABEL.exec(labelText); label; label = LABEL.exec(labelText)) {
      labels[label[1]] = label[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
      consumed = LABEL.lastIndex;
    }
    if (consumed !== labelText.length) throw new Error(`line ${index + 1}: bad labels ${labelText}`);
    samples.push({ name, labels, value });
  });
  return {
    types,
    samples,
    value(name, labels = {}) {
      const wanted = Object.entries(labels);
      return samples.find(
        (s) =>
          s.name === name &&
          Object.keys(s.labels).length === wanted.length &&
          wanted.every(([key, value]) => s.labels[key] === value),
      )?.value;
    },
  };
}
