// A tiny structural validator for IPC params: each check returns the value typed, or throws a
// ValidationError whose message names the field. Kept small on purpose (no schema library):
// the protocol has a handful of methods and their shapes are flat.

export class ValidationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValidationError';
  }
}

export type Check<T> = (value: unknown, path: string) => T;

const fail = (path: string, what: string, value: unknown): never => {
  const got = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  throw new ValidationError(`${path}: expected ${what}, got ${got}`);
};

export const str = (opts: { min?: number; max?: number } = {}): Check<string> => (v, path) => {
  if (typeof v !== 'string') return fail(path, 'a string', v);
  if (opts.min !== undefined && v.length < opts.min) throw new ValidationError(`${path}: must have at least ${opts.min} characters`);
  if (opts.max !== undefined && v.length > opts.max) throw new ValidationError(`${path}: must have at most ${opts.max} characters`);
  return v;
};

export const int = (opts: { min?: number; max?: number } = {}): Check<number> => (v, path) => {
  if (typeof v !== 'number' || !Number.isInteger(v)) return fail(path, 'an integer', v);
  if (opts.min !== undefined && v < opts.min) throw new ValidationError(`${path}: must be >= ${opts.min}`);
  if (opts.max !== undefined && v > opts.max) throw new ValidationError(`${path}: must be <= ${opts.max}`);
  return v;
};

export const bool: Check<boolean> = (v, path) => (typeof v === 'boolean' ? v : fail(path, 'a boolean', v));

export const oneOf = <T extends string>(...values: T[]): Check<T> => (v, path) => {
  if (typeof v !== 'string' || !(values as string[]).includes(v)) {
    throw new ValidationError(`${path}: expected one of ${values.join(', ')}, got ${JSON.stringify(v)}`);
  }
  return v as T;
};

export const optional = <T>(check: Check<T>): Check<T | undefined> => (v, path) => (v === undefined ? undefined : check(v, path));

export const nullable = <T>(check: Check<T>): Check<T | null> => (v, path) => (v === null ? null : check(v, path));

export const arrayOf = <T>(check: Check<T>, opts: { min?: number; max?: number } = {}): Check<T[]> => (v, path) => {
  if (!Array.isArray(v)) return fail(path, 'an array', v);
  if (opts.min !== undefined && v.length < opts.min) throw new ValidationError(`${path}: must have at least ${opts.min} items`);
  if (opts.max !== undefined && v.length > opts.max) throw new ValidationError(`${path}: must have at most ${opts.max} items`);
  return v.map((item, i) => check(item, `${path}[${i}]`));
};

export const record: Check<Record<string, unknown>> = (v, path) => {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return fail(path, 'an object', v);
  return v as Record<string, unknown>;
};

type Shape = Record<string, Check<unknown>>;
type Out<S extends Shape> = { [K in keyof S]: ReturnType<S[K]> };

/** An object with exactly these fields (unknown fields are rejected, so typos surface). */
export const object = <S extends Shape>(shape: S): Check<Out<S>> => (v, path) => {
  const obj = record(v, path);
  for (const key of Object.keys(obj)) {
    if (!(key in shape)) throw new ValidationError(`${path}.${key}: unknown field`);
  }
  const out: Record<string, unknown> = {};
  for (const [key, check] of Object.entries(shape)) {
    const value = check(obj[key], `${path}.${key}`);
    if (value !== undefined) out[key] = value;
  }
  return out as Out<S>;
};

/** A tagged union discriminated by `field`. */
export const union = <T>(field: string, variants: Record<string, Check<T>>): Check<T> => (v, path) => {
  const obj = record(v, path);
  const tag = obj[field];
  const variant = typeof tag === 'string' ? variants[tag] : undefined;
  if (!variant) {
    throw new ValidationError(`${path}.${field}: expected one of ${Object.keys(variants).join(', ')}, got ${JSON.stringify(tag)}`);
  }
  return variant(v, path);
};
