/**
 * A problem in a file a developer wrote (schema/, a vector file, a daemon config): named by file and key.
 * Distinct from DBALError, which is what the data API returns to its callers.
 */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly key: string,
    readonly problem: string,
  ) {
    super(`${file}${key ? `: ${key}` : ''}: ${problem}`)
    this.name = 'ConfigError'
  }
}

type Plain = Record<string, unknown>

/** Reads a YAML/JSON object strictly: every key must be known, types are checked, the path is reported. */
export class Reader {
  constructor(
    readonly file: string,
    readonly path: string,
    readonly value: unknown,
  ) {}

  fail(problem: string, key = ''): never {
    throw new ConfigError(this.file, key ? (this.path ? `${this.path}.${key}` : key) : this.path, problem)
  }

  object(allowed?: readonly string[]): Plain {
    const v = this.value
    if (v === null || typeof v !== 'object' || Array.isArray(v)) this.fail('expected a mapping')
    if (allowed)
      for (const k of Object.keys(v))
        if (!allowed.includes(k)) this.fail(`unknown key (expected one of: ${allowed.join(', ')})`, k)
    return v as Plain
  }

  child(key: string): Reader {
    const obj = this.object()
    return new Reader(this.file, this.path ? `${this.path}.${key}` : key, obj[key])
  }

  has(key: string): boolean {
    return this.object()[key] !== undefined
  }

  entries(): [string, Reader][] {
    return Object.keys(this.object()).map((k) => [k, this.child(k)])
  }

  items(): Reader[] {
    if (!Array.isArray(this.value)) this.fail('expected a list')
    return this.value.map((v, i) => new Reader(this.file, `${this.path}[${i}]`, v))
  }

  string(): string {
    if (typeof this.value !== 'string') this.fail('expected a string')
    return this.value
  }

  number(): number {
    if (typeof this.value !== 'number' || !Number.isFinite(this.value)) this.fail('expected a number')
    return this.value
  }

  boolean(): boolean {
    if (typeof this.value !== 'boolean') this.fail('expected true or false')
    return this.value
  }

  oneOf<T extends string>(values: readonly T[]): T {
    const s = this.string()
    if (!(values as readonly string[]).includes(s)) this.fail(`expected one of: ${values.join(', ')}`)
    return s as T
  }

  strings(): string[] {
    return this.items().map((r) => r.string())
  }

  optional<T>(key: string, read: (r: Reader) => T): T | undefined {
    return this.has(key) ? read(this.child(key)) : undefined
  }
}
