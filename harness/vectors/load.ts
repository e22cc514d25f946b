/**
 * Loads vector files: the upstream format (a bare list of cases with `operations`) unmodified, and the
 * project's own versioned format, each checked against its JSON Schema. A malformed file is a
 * ConfigError naming the file and the problem; duplicate case names within a file are refused.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv'
import { parse } from 'yaml'
import { ConfigError } from '../../core/config-error.ts'
import { schema } from '../../core/schema.ts'
import type { CapabilityName } from '../../core/types.generated.ts'
import { NOT_AN_ENTITY, type Case, type Expected, type Step, type VectorFile } from './model.ts'

const CONTRACTS = fileURLToPath(new URL('../../contracts/', import.meta.url))
const SUPPORTED_MAJOR = 1

const ajv = new Ajv.default({ allErrors: true, strict: false })
let validators: { dbal: ValidateFunction; upstream: ValidateFunction } | undefined
function validatorsOnce() {
  validators ??= {
    dbal: ajv.compile(JSON.parse(readFileSync(join(CONTRACTS, 'vector.schema.json'), 'utf8'))),
    upstream: ajv.compile(JSON.parse(readFileSync(join(CONTRACTS, 'upstream.schema.json'), 'utf8'))),
  }
  return validators
}

const describe = (errors: ErrorObject[] | null | undefined) =>
  (errors ?? [])
    .filter((e) => e.keyword !== 'if')
    .slice(0, 5)
    .map(
      (e) =>
        `${e.instancePath || '/'} ${e.message}${e.keyword === 'additionalProperties' ? ` (${(e.params as { additionalProperty: string }).additionalProperty})` : ''}`,
    )
    .join('; ')

type Raw = Record<string, unknown>

function expected(raw: Raw): Expected {
  const out: Expected = {
    status: raw.status as 'success' | 'error',
    output: raw.output,
    hasOutput: 'output' in raw,
    exact: raw.exact === true,
    length: raw.length as number | undefined,
    error: raw.error as Expected['error'],
  }
  return out
}

/** The object forms {role} and {user} of an actor, as the string form. */
const actorSpec = (v: unknown): string | undefined =>
  v === undefined
    ? undefined
    : typeof v === 'string'
      ? v
      : (((v as Raw).role as string | undefined) ?? ((v as Raw).user as string))

/**
 * Operations that exist, and transaction bodies that can run as written: a step that ends the body (an
 * expected error it does not catch, a `throw`) is its last step.
 */
function checkSteps(file: string, at: string, steps: readonly Step[], inBody: boolean): void {
  for (const [j, s] of steps.entries()) {
    const here = `${at}[${j}]`
    if (s.transaction) {
      checkSteps(file, `${here}.transaction.steps`, s.transaction.steps, true)
    } else if (s.action === 'throw' && s.entity === NOT_AN_ENTITY) {
      if (!inBody)
        throw new ConfigError(file, `${here}.throw`, 'throw is only for steps inside a transaction')
    } else {
      if (!schema.operations.has(s.entity))
        throw new ConfigError(file, `${here}.entity`, `unknown entity "${s.entity}"`)
      if (!schema.operations.get(s.entity)!.has(s.action))
        throw new ConfigError(file, `${here}.action`, `${s.entity} has no operation "${s.action}"`)
    }
    if (inBody && s.as !== undefined)
      throw new ConfigError(file, `${here}.as`, "steps inside a transaction run as the transaction's actor")
    if (!inBody && s.catch !== undefined)
      throw new ConfigError(file, `${here}.catch`, 'catch is only for steps inside a transaction')
    const ends = s.action === 'throw' || (s.expected.status === 'error' && s.catch !== true)
    if (inBody && ends && j < steps.length - 1)
      throw new ConfigError(
        file,
        here,
        'this step ends the transaction: it must be the last (or say catch: true)',
      )
  }
}

function checkNames(file: string, cases: readonly Case[]): void {
  const seen = new Set<string>()
  for (const [i, c] of cases.entries()) {
    if (seen.has(c.name)) throw new ConfigError(file, `cases[${i}].name`, `duplicate case name "${c.name}"`)
    seen.add(c.name)
    checkSteps(file, `cases[${i}].steps`, c.steps, false)
  }
}

const THROWN: Expected = { status: 'error', hasOutput: false, exact: false }

/** A step of the project's format; a transaction's steps recursively. */
function step(s: Raw): Step {
  if ('throw' in s) return { action: 'throw', entity: NOT_AN_ENTITY, input: s.throw, expected: THROWN }
  const t = s.transaction as Raw | undefined
  return {
    as: actorSpec(s.as),
    action: t ? 'transaction' : (s.action as string),
    entity: t ? NOT_AN_ENTITY : (s.entity as string),
    input: t ? {} : (s.input ?? {}),
    expected: expected(s.expected as Raw),
    save: s.save as string | undefined,
    ...(s.catch !== undefined ? { catch: s.catch as boolean } : {}),
    ...(t
      ? {
          transaction: {
            steps: (t.steps as Raw[]).map(step),
            ...(t.timeoutMs !== undefined ? { timeoutMs: t.timeoutMs as number } : {}),
          },
        }
      : {}),
  }
}

/** What a case's transactions need of the backend, decided by capability. */
function transactionNeeds(steps: readonly Step[], depth = 0): CapabilityName[] {
  return steps.flatMap((s) =>
    s.transaction
      ? [depth ? 'nestedTransactions' : 'transactions', ...transactionNeeds(s.transaction.steps, depth + 1)]
      : [],
  ) as CapabilityName[]
}

export function loadVectorFile(path: string): VectorFile {
  let doc: unknown
  try {
    doc = parse(readFileSync(path, 'utf8'))
  } catch (e) {
    throw new ConfigError(
      path,
      '',
      `not readable YAML: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
    )
  }
  const v = validatorsOnce()
  if (Array.isArray(doc)) {
    if (!v.upstream(doc))
      throw new ConfigError(path, '', `not a valid upstream vector file: ${describe(v.upstream.errors)}`)
    const cases = (doc as Raw[]).map((c) => ({
      name: c.name as string,
      description: c.description as string | undefined,
      requires: [],
      steps: (c.operations as Raw[]).map((s): Step => ({
        action: s.action as string,
        entity: s.entity as string,
        input: s.input ?? {},
        expected: expected(s.expected as Raw),
      })),
    }))
    checkNames(path, cases)
    return { path, format: 'upstream', cases }
  }
  if (doc === null || typeof doc !== 'object' || !('schemaVersion' in doc))
    throw new ConfigError(
      path,
      '',
      'not a vector file: expected a list of cases (upstream format) or a mapping with schemaVersion',
    )
  const version = String((doc as Raw).schemaVersion)
  if (Number(version.split('.')[0]) !== SUPPORTED_MAJOR)
    throw new ConfigError(
      path,
      'schemaVersion',
      `version ${version} is not supported (this runner reads ${SUPPORTED_MAJOR}.x)`,
    )
  if (!v.dbal(doc))
    throw new ConfigError(path, '', `does not match contracts/vector.schema.json: ${describe(v.dbal.errors)}`)
  const d = doc as Raw
  const fileRequires = (d.requires as CapabilityName[] | undefined) ?? []
  const cases = (d.cases as Raw[]).map((c) => {
    const steps = (c.steps as Raw[]).map(step)
    const own = (c.requires as CapabilityName[] | undefined) ?? []
    return {
      name: c.name as string,
      description: c.description as string | undefined,
      requires: [...new Set([...fileRequires, ...own, ...transactionNeeds(steps)])],
      as: actorSpec(c.as),
      steps,
    }
  })
  checkNames(path, cases)
  return { path, format: 'dbal', schemaVersion: version, cases }
}

/** Every .yaml/.yml file under the given files and folders, sorted, each loaded and checked. */
export function loadVectors(paths: readonly string[]): VectorFile[] {
  const files: string[] = []
  const walk = (p: string) => {
    let st
    try {
      st = statSync(p)
    } catch {
      throw new ConfigError(p, '', 'no such file or folder')
    }
    if (st.isDirectory()) for (const name of readdirSync(p).sort()) walk(join(p, name))
    else if (/\.ya?ml$/.test(p) || paths.includes(p)) files.push(p)
  }
  for (const p of paths) walk(p)
  if (files.length === 0) throw new ConfigError(paths.join(', '), '', 'no vector files (.yaml) found')
  return files.map(loadVectorFile)
}

export const DEFAULT_VECTORS = CONTRACTS
export const displayPath = (p: string) => relative(process.cwd(), p) || p
