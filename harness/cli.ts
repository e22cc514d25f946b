/**
 * The `dbal` command. Subcommands:
 *   test      run conformance vectors on backends
 *   migrate   create or upgrade a database from schema/
 *   generate  regenerate core/types.generated.ts from schema/
 *   backends  list the backends, how they are provisioned and their environment variables
 *   daemon    serve the DBAL over WebSocket JSON-RPC (daemon/)
 */
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { inspect, parseArgs } from 'node:util'
import { ConfigError } from '../core/config-error.ts'
import { DBALError } from '../core/errors.ts'
import { environmentProblem, inputError, shownUrl, withoutPassword } from './commands/problems.ts'

// Each command imports what it runs when it runs: the drivers and the daemon load in a second or two,
// which `dbal --help` and a mistyped option need not wait for.

const USAGE = `Usage: dbal <command> [options]

Commands:
  test      Run conformance vectors on backends
            --backends LIST   backend names or groups (embedded, all); default: embedded
            --vectors PATH    a vector file or folder (repeatable); default: contracts/
            --require LIST    backends that must run (also $DBAL_REQUIRE); not run = failure
            --report-dir DIR  where results.jsonl and summary.md go; default: reports/
            --endpoint URL    also (without --backends: only) a daemon started elsewhere, as backend
                              \`endpoint\`; --token T or $DBAL_ENDPOINT_TOKEN is its service token
  migrate   Create or upgrade a database from schema/ (running it twice changes nothing)
            --backend NAME --url URL
  generate  Regenerate core/types.generated.ts from schema/
  backends  List the backends, how each is provisioned, and its environment variables
  daemon    Serve the DBAL over WebSocket JSON-RPC (see README, Daemon)
            --config FILE     the daemon's YAML config (dbal.daemon.yaml)
`

const log = (line: string) => process.stdout.write(`${line}\n`)

/** Each command's options: another command's option is refused, not silently ignored. */
const COMMANDS: Record<string, readonly string[]> = {
  test: ['backends', 'vectors', 'require', 'report-dir', 'endpoint', 'token'],
  migrate: ['backend', 'url'],
  generate: [],
  backends: [],
  daemon: ['config'],
}
const HELP = ['help', '--help', '-h']
const unknownCommand = (command: string) =>
  new ConfigError(command, '', `unknown command (expected one of: ${Object.keys(COMMANDS).join(', ')})`)
const SEE_HELP = 'dbal --help lists the commands and their options'

/** `dbal migrate` failing on the database at `url`: what is wrong with it, the password never shown. */
function migrateError(url: string, e: unknown): unknown {
  const shown = shownUrl(url)
  // An adapter's own check of its URL (a wrong scheme) names the key `url`: here, that is --url.
  const error = e instanceof ConfigError && e.file === 'url' ? new ConfigError('--url', shown, e.problem) : e
  const out = inputError('--url', shown, error)
  return out instanceof ConfigError
    ? new ConfigError(out.file, out.key, withoutPassword(out.problem, url))
    : out
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (command === undefined) {
    log(USAGE)
    return 2
  }
  if (HELP.includes(command)) {
    log(USAGE)
    return 0
  }
  const allowed = COMMANDS[command]
  if (!allowed) throw unknownCommand(command)
  const { values } = parseArgs({
    args: rest,
    options: {
      backends: { type: 'string' },
      backend: { type: 'string' },
      vectors: { type: 'string', multiple: true },
      require: { type: 'string' },
      'report-dir': { type: 'string' },
      url: { type: 'string' },
      config: { type: 'string' },
      endpoint: { type: 'string' },
      token: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (values.help) {
    log(USAGE)
    return 0
  }
  for (const option of Object.keys(values))
    if (!allowed.includes(option))
      throw new ConfigError(`--${option}`, '', `unknown option for dbal ${command} (${SEE_HELP})`)
  switch (command) {
    case 'test': {
      const [{ BACKENDS }, { endpointBackend }, { testCommand }, { selectBackends }, { DEFAULT_VECTORS }] =
        await Promise.all([
          import('./backends.ts'),
          import('./backends/remote.ts'),
          import('./commands/test.ts'),
          import('./select.ts'),
          import('./vectors/load.ts'),
        ])
      const token = values.token ?? process.env.DBAL_ENDPOINT_TOKEN
      if (values.endpoint !== undefined) {
        const u = URL.canParse(values.endpoint) ? new URL(values.endpoint) : undefined
        if (u?.protocol !== 'ws:' && u?.protocol !== 'wss:')
          throw new ConfigError('--endpoint', shownUrl(values.endpoint), 'expected a ws:// or wss:// URL')
        if (!token)
          throw new ConfigError(
            '--token',
            '',
            'required with --endpoint (or $DBAL_ENDPOINT_TOKEN): its service token',
          )
      }
      const backends =
        values.endpoint && !values.backends ? [] : selectBackends(values.backends ?? 'embedded')
      if (values.endpoint) backends.push(endpointBackend(values.endpoint, token))
      const required = new Set<string>()
      for (const [spec, what] of [
        [values.require, '--require'],
        [process.env.DBAL_REQUIRE, '$DBAL_REQUIRE'],
      ] as const)
        if (spec?.trim()) for (const b of selectBackends(spec, what)) required.add(b.name)
      for (const name of required)
        if (!backends.some((b) => b.name === name)) backends.push(BACKENDS.find((b) => b.name === name)!)
      // A daemon named on the command line is there to be certified: not reaching it is a failure.
      if (values.endpoint) required.add('endpoint')
      return testCommand({
        backends,
        required,
        vectors: values.vectors ?? [DEFAULT_VECTORS],
        reportDir: values['report-dir'] ?? fileURLToPath(new URL('../reports/', import.meta.url)),
        log,
      })
    }
    case 'migrate': {
      const { BACKENDS } = await import('./backends.ts')
      const b = BACKENDS.find((x) => x.name === values.backend)
      if (!b || !b.migrate)
        throw new ConfigError(
          '--backend',
          values.backend ?? '',
          `expected one of: ${BACKENDS.filter((x) => x.migrate)
            .map((x) => x.name)
            .join(', ')}`,
        )
      const url = values.url
      if (!url) throw new ConfigError('--url', '', 'required')
      // A driver would read a bare word as a host name or a socket path and fail far from the mistake.
      if (b.kind === 'server' && !URL.canParse(url))
        throw new ConfigError('--url', url, `expected a URL such as scheme://user@host:port/database`)
      const changes = await b.migrate(url).catch((e: unknown) => {
        throw migrateError(url, e)
      })
      log(changes.length ? changes.map((c) => `  ${c}`).join('\n') : 'Up to date: nothing to change.')
      log(`${changes.length} change(s) applied to ${b.name}`)
      return 0
    }
    case 'generate': {
      const [
        { generateTypes },
        { schema },
        { PROTOCOL_SCHEMA_FILE, protocolSchemaText },
        { writeAclMatrix },
      ] = await Promise.all([
        import('../core/codegen.ts'),
        import('../core/schema.ts'),
        import('../daemon/protocol-schema.ts'),
        import('./acl/matrix.ts'),
      ])
      const write = (path: string, text: string) => {
        try {
          writeFileSync(path, text)
        } catch (e) {
          throw inputError(path, '', e)
        }
      }
      const path = fileURLToPath(new URL('../core/types.generated.ts', import.meta.url))
      write(path, generateTypes(schema))
      log(`Wrote ${path}`)
      const matrix = writeAclMatrix()
      log(`Wrote ${matrix.path} (${matrix.cases} cases, ${matrix.steps} steps)`)
      write(PROTOCOL_SCHEMA_FILE, protocolSchemaText())
      log(`Wrote ${PROTOCOL_SCHEMA_FILE}`)
      return 0
    }
    case 'daemon': {
      if (!values.config)
        throw new ConfigError('--config', '', 'required: the daemon config file (dbal.daemon.yaml)')
      const { daemonCommand } = await import('../daemon/main.ts')
      return daemonCommand(values.config, log)
    }
    case 'backends': {
      const { BACKENDS } = await import('./backends.ts')
      for (const b of BACKENDS)
        log(
          `${b.name.padEnd(20)} ${b.kind.padEnd(9)} ${b.description}${b.env?.length ? ` [${b.env.join(', ')}]` : ''}`,
        )
      return 0
    }
    default:
      throw unknownCommand(command)
  }
}

/**
 * One line for what the user can fix (their input, their files, their servers); a stack only for a bug.
 * A system error that escaped every command's own wrapping still names its path.
 */
function errorText(e: unknown): string {
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
  const bug = e instanceof DBALError && e.cause !== undefined ? e.cause : e
  return bug instanceof Error ? (bug.stack ?? bug.message) : inspect(bug)
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`dbal: ${errorText(e)}\n`)
    process.exit(2)
  },
)
