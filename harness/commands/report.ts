/**
 * How the CLI reports a failure: one line, always. What the user can fix (their input, files, servers)
 * says what and where; anything else is a bug, said as such with a pointer to DBAL_DEBUG=1, which
 * adds the stack trace (of any failure) below the line.
 */
import { inspect } from 'node:util'
import { ConfigError } from '../../core/config-error.ts'
import { DBALError } from '../../core/errors.ts'
import { environmentProblem } from '../../core/problems.ts'

export const SEE_HELP = 'dbal --help lists the commands and their options'
const DEBUG_HINT = 'rerun with DBAL_DEBUG=1 for the stack trace'

const firstLine = (s: string) => s.split('\n')[0]!

/** The line for `e`. */
function describe(e: unknown): string {
  if (e instanceof ConfigError) return e.message
  if (e instanceof TypeError && (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
    return `${e.message.split('. ')[0]} (${SEE_HELP})`
  const problem = environmentProblem(e)
  if (problem !== undefined) {
    const path = (e as { path?: unknown }).path
    return typeof path === 'string' ? `${path}: ${problem}` : problem
  }
  if (e instanceof DBALError && e.code !== 'INTERNAL_ERROR')
    return `${e.code} (${e.status}): ${e.message}${e.details ? ` ${JSON.stringify(e.details)}` : ''}`
  const cause = e instanceof DBALError && e.cause !== undefined ? e.cause : e
  const text =
    cause instanceof Error ? `${cause.name}: ${firstLine(cause.message)}` : firstLine(inspect(cause))
  return `internal error: ${text} (${DEBUG_HINT})`
}

/** What goes to stderr for `e` (ending in a newline). */
export function errorReport(e: unknown, debug: boolean): string {
  const line = describe(e)
  if (!debug) return `dbal: ${line}\n`
  const cause = e instanceof DBALError && e.cause !== undefined ? e.cause : e
  const stack = cause instanceof Error ? (cause.stack ?? cause.message) : inspect(cause)
  return `dbal: ${line.replace(` (${DEBUG_HINT})`, '')}\n${stack}\n`
}
