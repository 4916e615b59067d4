// Reading adapter options from the bridge config with errors that name the key, and refusing
// unknown keys so a typo (`clograte`) fails at start instead of silently using a default.
import { AdapterOptionsError } from '../../runtime/adapter.js';

interface Range {
  min: number;
  max: number;
  integer?: boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export class OptionReader {
  private readonly used = new Set<string>();

  private constructor(
    private readonly values: Record<string, unknown>,
    private readonly path: string,
  ) {}

  /** `undefined` / `null` mean "all defaults". */
  static of(raw: unknown, path = ''): OptionReader {
    if (raw === undefined || raw === null) return new OptionReader({}, path);
    if (!isRecord(raw)) throw new AdapterOptionsError(path || 'options', 'must be a mapping');
    return new OptionReader(raw, path);
  }

  private key(key: string): string {
    return this.path ? `${this.path}.${key}` : key;
  }

  private read(key: string): unknown {
    this.used.add(key);
    return this.values[key];
  }

  number(key: string, range: Range, fallback: number): number {
    return this.optionalNumber(key, range) ?? fallback;
  }

  optionalNumber(key: string, range: Range): number | undefined {
    const v = this.read(key);
    if (v === undefined || v === null) return undefined;
    const kind = range.integer ? 'an integer' : 'a number';
    if (typeof v !== 'number' || !Number.isFinite(v) || (range.integer && !Number.isInteger(v))) {
      throw new AdapterOptionsError(this.key(key), `must be ${kind}`);
    }
    if (v < range.min || v > range.max) {
      throw new AdapterOptionsError(this.key(key), `must be between ${range.min} and ${range.max}`);
    }
    return v;
  }

  /** A number, or `null` written explicitly to switch a behaviour off. */
  nullableNumber(key: string, range: Range, fallback: number | null): number | null {
    if (this.values[key] === null) {
      this.used.add(key);
      return null;
    }
    return this.optionalNumber(key, range) ?? fallback;
  }

  string(key: string, fallback: string, pattern?: RegExp): string {
    return this.optionalString(key, pattern) ?? fallback;
  }

  optionalString(key: string, pattern?: RegExp): string | undefined {
    const v = this.read(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' || v.length === 0 || v.length > 256) {
      throw new AdapterOptionsError(this.key(key), 'must be a non-empty string of at most 256 characters');
    }
    if (pattern && !pattern.test(v)) throw new AdapterOptionsError(this.key(key), `must match ${pattern}`);
    return v;
  }

  oneOf<T extends string>(key: string, words: readonly T[], fallback: T): T {
    const v = this.read(key);
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'string' || !(words as readonly string[]).includes(v)) {
      throw new AdapterOptionsError(this.key(key), `must be one of ${words.join(', ')}`);
    }
    return v as T;
  }

  boolean(key: string, fallback: boolean): boolean {
    const v = this.read(key);
    if (v === undefined || v === null) return fallback;
    if (typeof v !== 'boolean') throw new AdapterOptionsError(this.key(key), 'must be true or false');
    return v;
  }

  /** A list whose items the caller reads with `OptionReader.of(item, path)`. */
  list(key: string): unknown[] {
    const v = this.read(key);
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) throw new AdapterOptionsError(this.key(key), 'must be a list');
    return v;
  }

  nested(key: string): OptionReader {
    return OptionReader.of(this.read(key), this.key(key));
  }

  /** Throws on keys nobody read; call after reading everything. */
  done(): void {
    const unknown = Object.keys(this.values).find((k) => !this.used.has(k));
    if (unknown !== undefined) throw new AdapterOptionsError(this.key(unknown), 'is not a known option');
  }
}
