/**
 * The Lua scanner (CONTRACT §4), built from schema/lua.yaml. It reads code as text and refuses any
 * mention of a forbidden name, in code, strings or comments alike: a false positive costs a rejected
 * script, a false negative an escape from the sandbox. It is a first barrier, not the sandbox itself.
 */
import { DBALError } from './errors.ts'
import { schema as defaultSchema, type Schema } from './schema.ts'

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** `a.b` also as `a . b`, `a["b"]`, `a['b']`, `a:b`; `a.` any member of a; `a` the bare name. */
function pattern(name: string): RegExp {
  const [head, member] = name.split('.') as [string, string | undefined]
  const base = `\\b${escape(head)}\\s*`
  if (member === undefined) return new RegExp(`\\b${escape(head)}\\b`)
  if (member === '') return new RegExp(`${base}(?:[.:]|\\[)`)
  const m = escape(member)
  return new RegExp(`${base}(?:[.:]\\s*${m}\\b|\\[\\s*(?:"${m}"|'${m}'|\\[=*\\[${m}\\]=*\\])\\s*\\])`)
}

type Rules = { forbidden: { name: string; re: RegExp }[]; allowed: ReadonlySet<string> }
const compiled = new WeakMap<Schema, Rules>()

/** A schema's Lua rules as patterns, compiled once per schema. */
function rulesOf(schema: Schema): Rules {
  let r = compiled.get(schema)
  if (!r) {
    r = {
      forbidden: schema.lua.forbidden.map((name) => ({ name, re: pattern(name) })),
      allowed: new Set(schema.lua.allowedGlobals),
    }
    compiled.set(schema, r)
  }
  return r
}

/** The forbidden names the code mentions. */
export const forbiddenCalls = (code: string, schema: Schema = defaultSchema): string[] =>
  rulesOf(schema)
    .forbidden.filter((f) => f.re.test(code))
    .map((f) => f.name)

/** Throws MALICIOUS_CODE_DETECTED or SANDBOX_VIOLATION; details name what matched, never the code. */
export function scanLua(code: unknown, allowedGlobals: unknown, schema: Schema = defaultSchema): void {
  if (typeof code === 'string') {
    const found = forbiddenCalls(code, schema)
    if (found.length)
      throw new DBALError('MALICIOUS_CODE_DETECTED', { entity: 'LuaScript', field: 'code', matches: found })
  }
  if (Array.isArray(allowedGlobals)) {
    const outside = allowedGlobals.filter((g) => typeof g === 'string' && !rulesOf(schema).allowed.has(g))
    if (outside.length)
      throw new DBALError('SANDBOX_VIOLATION', {
        entity: 'LuaScript',
        field: 'allowedGlobals',
        globals: outside,
      })
  }
}
