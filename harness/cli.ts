/**
 * The `dbal` command. Subcommands:
 *   test      run conformance vectors on backends
 *   migrate   create or upgrade a database from schema/
 *   fuzz      differential fuzzing of backends against the reference
 *   certify   the complete suite against an adapter module or a daemon, and a certificate
 *   generate  regenerate core/types.generated.ts from schema/
 *   backends  list the backends, how they are provisioned and their environment variables
 *   daemon    serve the DBAL over WebSocket JSON-RPC (daemon/)
 */
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs'
import { join, relative, isAbsolute } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { ConfigError } from '../core/config-error.ts'
import { commandUsage, COMMAND_HELP, usage } from './commands/help.ts'

// Each command imports what it runs when it runs: the drivers and the daemon load in a second or two,
// which `dbal --help`, `--version` and a mistyped option need not wait for. Only node: builtins, the
// help text and ConfigError (no imports of its own) load before the command is known.

const log = (line: string) => process.stdout.write(`${line}\n`)

/** Each command's options: another command's option is refused, not silently ignored. */
const COMMANDS: Record<string, readonly string[]> = {
  test: [
    'backends',
    'vectors',
    'require',
    'report-dir',
    'endpoint',
    'token',
    'shard',
    'timings',
    'quiet',
    'features',
    'no-features',
    'no-vectors',
    'tags',
    'jobs',
  ],
  fuzz: ['backends', 'seed', 'iterations', 'time-limit', 'report-dir', 'quiet'],
  migrate: ['backend', 'url'],
  certify: ['endpoint', 'token', 'vectors', 'deviations', 'report-dir', 'quiet'],
  report: ['report-dir'],
  generate: [],
  backends: [],
  daemon: ['config'],
}
const HELP = ['help', '--help', '-h']
const SEE_HELP = 'dbal --help lists the commands and their options'
const unknownCommand = (command: string) =>
  new ConfigError(
    `unknown command "${command}"`,
    '',
    `expected one of: ${Object.keys(COMMANDS).join(', ')} (${SEE_HELP})`,
  )

/** This package's root: the nearest folder up from here whose package.json is @metabuilder/dbal (src or dist). */
function packageRoot(): { root: string; version: string } {
  for (const up of ['..', '../..']) {
    const file = fileURLToPath(new URL(`${up}/package.json`, import.meta.url))
    if (!existsSync(file)) continue
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string }
    if (pkg.name === '@metabuilder/dbal') return { root: join(file, '..'), version: pkg.version ?? '0.0.0' }
  }
  throw new Error('package.json of @metabuilder/dbal not found next to the CLI')
}

/**
 * Reports go into the checkout's reports/ when dbal runs inside its own checkout (a folder with
 * .git, not an installed copy); anywhere else into ./dbal-reports, never into node_modules/.
 */
function defaultReportDir(): string {
  const { root } = packageRoot()
  const inside = (() => {
    const rel = relative(realpathSync(root), realpathSync(process.cwd()))
    return !rel.startsWith('..') && !isAbsolute(rel)
  })()
  return inside && existsSync(join(root, '.git'))
    ? join(root, 'reports')
    : join(process.cwd(), 'dbal-reports')
}

/** --endpoint must be a WebSocket URL with a service token (the password never shown). */
async function checkEndpoint(endpoint: string, token: string | undefined): Promise<void> {
  const u = URL.canParse(endpoint) ? new URL(endpoint) : undefined
  if (u?.protocol !== 'ws:' && u?.protocol !== 'wss:') {
    const { shownUrl } = await import('../core/url.ts')
    throw new ConfigError('--endpoint', shownUrl(endpoint), 'expected a ws:// or wss:// URL')
  }
  if (!token)
    throw new ConfigError(
      '--token',
      '',
      'required with --endpoint (or $DBAL_ENDPOINT_TOKEN): its service token',
    )
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (command === undefined) {
    process.stderr.write(usage())
    return 2
  }
  if (command === '--version' || command === '-V' || command === 'version') {
    log(packageRoot().version)
    return 0
  }
  if (HELP.includes(command)) {
    const topic = rest[0]
    if (topic !== undefined && !COMMAND_HELP[topic]) throw unknownCommand(topic)
    log(topic === undefined ? usage() : commandUsage(topic))
    return 0
  }
  const allowed = COMMANDS[command]
  if (!allowed) throw unknownCommand(command)
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: command === 'certify' || command === 'report',
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
      deviations: { type: 'string' },
      shard: { type: 'string' },
      timings: { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      features: { type: 'boolean' },
      'no-features': { type: 'boolean' },
      'no-vectors': { type: 'boolean' },
      tags: { type: 'string' },
      jobs: { type: 'string' },
      seed: { type: 'string' },
      iterations: { type: 'string' },
      'time-limit': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  })
  if (values.help) {
    log(commandUsage(command))
    return 0
  }
  for (const option of Object.keys(values))
    if (!allowed.includes(option))
      throw new ConfigError(`--${option}`, '', `unknown option for dbal ${command} (${SEE_HELP})`)
  switch (command) {
    case 'test': {
      const [
        { BACKENDS },
        { endpointBackend },
        { testCommand },
        { selectBackends },
        { DEFAULT_VECTORS },
        { parseShard },
        { DEFAULT_FEATURES, featureChoice },
        { parseJobs },
      ] = await Promise.all([
        import('./backends.ts'),
        import('./backends/remote.ts'),
        import('./commands/test.ts'),
        import('./select.ts'),
        import('./vectors/load.ts'),
        import('./shard.ts'),
        import('./features.ts'),
        import('./commands/test-jobs.ts'),
      ])
      const token = values.token ?? process.env.DBAL_ENDPOINT_TOKEN
      if (values.endpoint !== undefined) await checkEndpoint(values.endpoint, token)
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
        vectors:
          values['no-vectors'] || (values.features && !values.vectors)
            ? []
            : (values.vectors ?? [DEFAULT_VECTORS]),
        reportDir: values['report-dir'] ?? defaultReportDir(),
        log,
        ...(values.shard !== undefined ? { shard: parseShard(values.shard) } : {}),
        ...(values.timings !== undefined ? { timings: values.timings } : {}),
        quiet: values.quiet === true,
        ...featureChoice(values, DEFAULT_FEATURES),
        jobs: parseJobs(values.jobs),
      })
    }
    case 'fuzz': {
      const [{ fuzzCommand, integerOption, timeLimitOption }, { selectBackends }] = await Promise.all([
        import('./commands/fuzz.ts'),
        import('./select.ts'),
      ])
      // The reference is the oracle: fuzzing it against itself proves nothing.
      const backends = selectBackends(values.backends ?? 'embedded').filter((b) => b.name !== 'reference')
      if (backends.length === 0)
        throw new ConfigError('--backends', values.backends ?? '', 'only the reference, which is the oracle')
      const timeLimitMs = timeLimitOption(values['time-limit'])
      return fuzzCommand({
        backends,
        seed: integerOption('--seed', values.seed, 1),
        iterations: integerOption('--iterations', values.iterations, 100),
        ...(timeLimitMs !== undefined ? { timeLimitMs } : {}),
        reportDir: values['report-dir'] ?? defaultReportDir(),
        log,
        quiet: values.quiet === true,
      })
    }
    case 'report': {
      const [action, ...inputs] = positionals
      if (action !== 'merge')
        throw new ConfigError('dbal report', action ?? '', 'expected `dbal report merge DIR...`')
      const { mergeCommand } = await import('./commands/merge.ts')
      return mergeCommand({ inputs, reportDir: values['report-dir'] ?? defaultReportDir(), log })
    }
    case 'migrate': {
      const { migrateCommand } = await import('./commands/migrate.ts')
      return migrateCommand(values, log)
    }
    case 'certify': {
      const module = positionals[0]
      if (positionals.length > 1)
        throw new ConfigError(positionals[1]!, '', 'dbal certify takes one module (or --endpoint)')
      if ((module === undefined) === (values.endpoint === undefined))
        throw new ConfigError('dbal certify', '', 'give an adapter module or --endpoint URL (one of them)')
      const token = values.token ?? process.env.DBAL_ENDPOINT_TOKEN
      if (values.endpoint !== undefined) await checkEndpoint(values.endpoint, token)
      const [{ certifyCommand }, { DEFAULT_VECTORS }] = await Promise.all([
        import('./commands/certify.ts'),
        import('./vectors/load.ts'),
      ])
      const { version } = packageRoot()
      return certifyCommand({
        ...(module !== undefined ? { module } : {}),
        ...(values.endpoint !== undefined ? { endpoint: values.endpoint, token } : {}),
        vectors: values.vectors ?? [DEFAULT_VECTORS],
        ...(values.deviations !== undefined ? { deviations: values.deviations } : {}),
        reportDir: values['report-dir'] ?? defaultReportDir(),
        harness: { package: '@metabuilder/dbal', version },
        log,
        quiet: values.quiet === true,
      })
    }
    case 'generate': {
      const [
        { generateTypes },
        { schema },
        { PROTOCOL_SCHEMA_FILE, protocolSchemaText },
        { writeAclMatrix },
        { inputError },
      ] = await Promise.all([
        import('../core/codegen.ts'),
        import('../core/schema.ts'),
        import('../daemon/protocol-schema.ts'),
        import('./acl/matrix.ts'),
        import('../core/problems.ts'),
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
      // The Prisma schemas (one per provider); the clients are generated from them when used.
      const prisma = await import('../adapters/prisma/prisma-schema.ts')
      for (const provider of prisma.PRISMA_PROVIDERS) {
        const file = fileURLToPath(
          new URL(`../prisma/${prisma.PRISMA_SCHEMA_FILES[provider]}`, import.meta.url),
        )
        write(file, prisma.generatePrismaSchema(schema, provider))
        log(`Wrote ${file}`)
      }
      return 0
    }
    case 'daemon': {
      if (!values.config)
        throw new ConfigError('--config', '', 'required: the daemon config file (dbal.daemon.yaml)')
      const { daemonCommand } = await import('../daemon/main.ts')
      return daemonCommand(values.config, log)
    }
    case 'backends': {
      const { LISTED } = await import('./backends.ts')
      for (const b of LISTED)
        log(
          `${b.name.padEnd(20)} ${b.kind.padEnd(9)} ${b.description}${b.env?.length ? ` [${b.env.join(', ')}]` : ''}`,
        )
      return 0
    }
    default:
      throw unknownCommand(command)
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  async (e: unknown) => {
    const { errorReport } = await import('./commands/report.ts')
    process.stderr.write(errorReport(e, process.env.DBAL_DEBUG === '1'))
    process.exit(2)
  },
)
