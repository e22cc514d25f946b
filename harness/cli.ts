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
import { parseArgs } from 'node:util'
import { ConfigError } from '../core/config-error.ts'
import { generateTypes } from '../core/codegen.ts'
import { DBALError } from '../core/errors.ts'
import { schema } from '../core/schema.ts'
import { daemonCommand } from '../daemon/main.ts'
import { PROTOCOL_SCHEMA_FILE, protocolSchemaText } from '../daemon/protocol-schema.ts'
import { writeAclMatrix } from './acl/matrix.ts'
import { BACKENDS } from './backends.ts'
import { endpointBackend } from './backends/remote.ts'
import { testCommand } from './commands/test.ts'
import { selectBackends } from './select.ts'
import { DEFAULT_VECTORS } from './vectors/load.ts'

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

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
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
  if (!command || values.help || command === 'help') {
    log(USAGE)
    return command ? 0 : 2
  }
  switch (command) {
    case 'test': {
      const backends =
        values.endpoint && !values.backends ? [] : selectBackends(values.backends ?? 'embedded')
      if (values.endpoint)
        backends.push(endpointBackend(values.endpoint, values.token ?? process.env.DBAL_ENDPOINT_TOKEN))
      const requireSpec = [values.require, process.env.DBAL_REQUIRE].filter(Boolean).join(',')
      const required = new Set(requireSpec ? selectBackends(requireSpec, '--require').map((b) => b.name) : [])
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
      const b = BACKENDS.find((x) => x.name === values.backend)
      if (!b || !b.migrate)
        throw new ConfigError(
          '--backend',
          values.backend ?? '',
          `expected one of: ${BACKENDS.filter((x) => x.migrate)
            .map((x) => x.name)
            .join(', ')}`,
        )
      if (!values.url) throw new ConfigError('--url', '', 'required')
      const changes = await b.migrate(values.url)
      log(changes.length ? changes.map((c) => `  ${c}`).join('\n') : 'Up to date: nothing to change.')
      log(`${changes.length} change(s) applied to ${b.name}`)
      return 0
    }
    case 'generate': {
      const path = fileURLToPath(new URL('../core/types.generated.ts', import.meta.url))
      writeFileSync(path, generateTypes(schema))
      log(`Wrote ${path}`)
      const matrix = writeAclMatrix()
      log(`Wrote ${matrix.path} (${matrix.cases} cases, ${matrix.steps} steps)`)
      writeFileSync(PROTOCOL_SCHEMA_FILE, protocolSchemaText())
      log(`Wrote ${PROTOCOL_SCHEMA_FILE}`)
      return 0
    }
    case 'daemon': {
      if (!values.config)
        throw new ConfigError('--config', '', 'required: the daemon config file (dbal.daemon.yaml)')
      return daemonCommand(values.config, log)
    }
    case 'backends': {
      for (const b of BACKENDS)
        log(
          `${b.name.padEnd(20)} ${b.kind.padEnd(9)} ${b.description}${b.env?.length ? ` [${b.env.join(', ')}]` : ''}`,
        )
      return 0
    }
    default:
      log(USAGE)
      return 2
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e: unknown) => {
    if (e instanceof ConfigError || e instanceof DBALError)
      process.stderr.write(
        `dbal: ${e instanceof ConfigError ? e.message : `${e.code} (${e.status}): ${e.message}${e.details ? ` ${JSON.stringify(e.details)}` : ''}`}\n`,
      )
    else if (e instanceof TypeError && (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS'))
      process.stderr.write(`dbal: ${e.message}\n\n${USAGE}`)
    else process.stderr.write(`dbal: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`)
    process.exit(2)
  },
)
