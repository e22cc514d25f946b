/**
 * Bad input to the `dbal` CLI is a user error: one line on stderr naming the file, path or URL and the
 * problem, exit code 2, no stack trace. Every command and option, with each kind of bad input.
 */
import assert from 'node:assert/strict'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { dbal, type CliRun } from './helpers.ts'

// Permissions do not stop root: as root, the cases about them run the CLI as `nobody`.
const unprivileged = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {}
const VECTORS = fileURLToPath(new URL('./fixtures/vectors/pass.yaml', import.meta.url))
const REFUSED = 'postgres://dbal:s3cret-pw@127.0.0.1:1/x'

const dir = mkdtempSync(join(tmpdir(), 'dbal-cli-errors-'))
chmodSync(dir, 0o755)
const at = (name: string) => join(dir, name)
const file = (name: string, text: string, mode = 0o644) => {
  writeFileSync(at(name), text)
  chmodSync(at(name), mode)
  return at(name)
}
const folder = (name: string, mode: number) => {
  mkdirSync(at(name))
  chmodSync(at(name), mode)
  return at(name)
}
const daemonConfig = (name: string, yaml: string) => file(name, `auth: {allow_anonymous: true}\n${yaml}`)

/** Exit 2, one line on stderr that names `subject` and says `problem`, no stack. */
function assertUserError(r: CliRun, subject: string, problem: RegExp): void {
  const output = `exit ${r.status}\nstderr:\n${r.stderr}\nstdout:\n${r.stdout}`
  assert.equal(r.status, 2, output)
  assert.doesNotMatch(r.stderr, /^\s+at /m, output)
  const lines = r.stderr.trimEnd().split('\n')
  assert.equal(lines.length, 1, output)
  assert.ok(lines[0]!.startsWith('dbal: '), output)
  assert.ok(lines[0]!.includes(subject), `does not name ${subject}:\n${output}`)
  assert.match(lines[0]!, problem, output)
}

let busyPort = 0
const busy = createServer()
before(() =>
  new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r())).then(() => {
    busyPort = (busy.address() as AddressInfo).port
  }),
)
after(() => new Promise<void>((r) => busy.close(() => r())))
after(() => {
  // The folders made unreadable must be opened again before they can be removed (unless root).
  for (const name of ['sealed', 'readonly']) if (existsSync(at(name))) chmodSync(at(name), 0o755)
  rmSync(dir, { recursive: true, force: true })
})

interface Case {
  readonly args: () => string[]
  readonly subject: () => string
  readonly problem: RegExp
  readonly env?: Record<string, string>
  readonly unprivileged?: boolean
}

const CASES: Record<string, Case> = {
  // The command line itself.
  'an unknown command': {
    args: () => ['frobnicate'],
    subject: () => 'unknown command "frobnicate"',
    problem: /expected one of: test, fuzz, migrate/,
  },
  'help for an unknown command': {
    args: () => ['help', 'frobnicate'],
    subject: () => 'unknown command "frobnicate"',
    problem: /expected one of/,
  },
  'an unknown option': {
    args: () => ['test', '--bogus'],
    subject: () => '--bogus',
    problem: /unknown option/i,
  },
  "another command's option": {
    args: () => ['migrate', '--config', 'x.yaml'],
    subject: () => '--config',
    problem: /unknown option/i,
  },
  'a missing option value': {
    args: () => ['test', '--backends'],
    subject: () => '--backends',
    problem: /missing/,
  },
  'a missing last option value': {
    args: () => ['migrate', '--backend', 'sqlite', '--url'],
    subject: () => '--url',
    problem: /missing/,
  },
  'an unexpected argument': {
    args: () => ['backends', 'extra'],
    subject: () => 'extra',
    problem: /unexpected/i,
  },

  // dbal migrate
  'migrate: an unknown backend': {
    args: () => ['migrate', '--backend', 'nope', '--url', 'x'],
    subject: () => 'nope',
    problem: /expected one of/,
  },
  'migrate: no --url': {
    args: () => ['migrate', '--backend', 'sqlite'],
    subject: () => '--url',
    problem: /required/,
  },
  'migrate: a SQLite file in a folder that does not exist': {
    args: () => ['migrate', '--backend', 'sqlite', '--url', at('nodir/x.db')],
    subject: () => at('nodir/x.db'),
    problem: /does not exist/,
  },
  'migrate: a SQLite file that is a folder': {
    args: () => ['migrate', '--backend', 'sqlite', '--url', dir],
    subject: () => dir,
    problem: /cannot open/,
  },
  'migrate: a SQLite file that is not a database': {
    args: () => [
      'migrate',
      '--backend',
      'sqlite',
      '--url',
      file('text.db', 'not a database, just text\n'.repeat(40)),
    ],
    subject: () => at('text.db'),
    problem: /not an SQLite database/,
  },
  'migrate: an unreadable SQLite file': {
    args: () => ['migrate', '--backend', 'sqlite', '--url', file('locked.db', '', 0o000)],
    subject: () => at('locked.db'),
    problem: /cannot open|permission/,
    unprivileged: true,
  },
  'migrate: a PostgreSQL server that refuses the connection (the password is not shown)': {
    args: () => ['migrate', '--backend', 'postgres', '--url', REFUSED],
    subject: () => 'postgres://dbal:***@127.0.0.1:1/x',
    problem: /connection refused/,
  },
  'migrate: a server backend given a bare word for a URL': {
    args: () => ['migrate', '--backend', 'postgres', '--url', 'notaurl'],
    subject: () => 'notaurl',
    problem: /expected a URL/,
  },
  'migrate: a PGlite folder whose parent does not exist': {
    args: () => ['migrate', '--backend', 'pglite', '--url', at('nodir/pglite')],
    subject: () => at('nodir/pglite'),
    problem: /no such file or directory/,
  },
  'migrate: a Sequelize SQLite file that is a folder': {
    args: () => ['migrate', '--backend', 'sequelize-sqlite', '--url', `sqlite:${dir}`],
    subject: () => `sqlite:${dir}`,
    problem: /cannot open/,
  },
  'migrate: a Sequelize URL of the wrong kind': {
    args: () => ['migrate', '--backend', 'sequelize-sqlite', '--url', at('x.db')],
    subject: () => at('x.db'),
    problem: /starts with sqlite:/,
  },
  'migrate: a Sequelize PostgreSQL server that refuses the connection': {
    args: () => ['migrate', '--backend', 'sequelize-postgres', '--url', REFUSED],
    subject: () => 'postgres://dbal:***@127.0.0.1:1/x',
    problem: /connection refused/,
  },

  // dbal daemon
  'daemon: no --config': { args: () => ['daemon'], subject: () => '--config', problem: /required/ },
  'daemon: a config file that does not exist': {
    args: () => ['daemon', '--config', at('nope.yaml')],
    subject: () => at('nope.yaml'),
    problem: /no such file or directory/,
  },
  'daemon: a config file that is a folder': {
    args: () => ['daemon', '--config', dir],
    subject: () => dir,
    problem: /is a directory/,
  },
  'daemon: an unreadable config file': {
    args: () => ['daemon', '--config', file('locked.yaml', 'backend: {name: memory}\n', 0o000)],
    subject: () => at('locked.yaml'),
    problem: /permission denied/,
    unprivileged: true,
  },
  'daemon: a config file that is not YAML': {
    args: () => ['daemon', '--config', file('bad.yaml', 'backend: {name: memory\nlisten: [\n')],
    subject: () => at('bad.yaml'),
    problem: /not readable YAML/,
  },
  'daemon: a SQLite backend in a folder that does not exist': {
    args: () => [
      'daemon',
      '--config',
      daemonConfig('sqlite.yaml', `backend: {name: sqlite, url: ${at('nodir/d.db')}}\n`),
    ],
    subject: () => `backend.url: ${at('nodir/d.db')}`,
    problem: /does not exist/,
  },
  'daemon: a PostgreSQL backend that refuses the connection': {
    args: () => [
      'daemon',
      '--config',
      daemonConfig('pg.yaml', `backend: {name: postgres, url: '${REFUSED}'}\n`),
    ],
    subject: () => 'backend.url: postgres://dbal:***@127.0.0.1:1/x',
    problem: /connection refused/,
  },
  'daemon: a port in use': {
    args: () => [
      'daemon',
      '--config',
      daemonConfig('busy.yaml', `backend: {name: memory}\nlisten: {port: ${busyPort}}\n`),
    ],
    subject: () => `listen: 127.0.0.1:${busyPort}`,
    problem: /in use/,
  },
  'daemon: a TLS certificate that does not exist': {
    args: () => [
      'daemon',
      '--config',
      daemonConfig(
        'tls.yaml',
        `backend: {name: memory}\ntls: {cert: ${at('no.pem')}, key: ${at('no.key')}}\n`,
      ),
    ],
    subject: () => `tls.cert: ${at('no.pem')}`,
    problem: /no such file or directory/,
  },
  'daemon: an audit file in a folder that does not exist': {
    args: () => [
      'daemon',
      '--config',
      daemonConfig('audit.yaml', `backend: {name: memory}\naudit: {file: ${at('nodir/audit.jsonl')}}\n`),
    ],
    subject: () => 'audit.file',
    problem: /ENOENT|no such file/,
  },

  // dbal test
  'test: an unknown backend': {
    args: () => ['test', '--backends', 'nope'],
    subject: () => 'nope',
    problem: /unknown backend/,
  },
  'test: an unknown required backend': {
    args: () => ['test', '--backends', 'reference', '--require', 'nope'],
    subject: () => 'nope',
    problem: /unknown backend/,
  },
  'test: an unknown backend in $DBAL_REQUIRE': {
    args: () => ['test', '--backends', 'reference'],
    env: { DBAL_REQUIRE: 'nope' },
    subject: () => 'DBAL_REQUIRE: nope',
    problem: /unknown backend/,
  },
  'test: vectors that do not exist': {
    args: () => ['test', '--backends', 'reference', '--vectors', at('none.yaml')],
    subject: () => at('none.yaml'),
    problem: /no such file/,
  },
  'test: an unreadable vector file': {
    args: () => ['test', '--backends', 'reference', '--vectors', file('locked-vectors.yaml', '[]\n', 0o000)],
    subject: () => at('locked-vectors.yaml'),
    problem: /EACCES|permission denied/,
    unprivileged: true,
  },
  'test: an unreadable vector folder': {
    args: () => ['test', '--backends', 'reference', '--vectors', folder('sealed', 0o000)],
    subject: () => at('sealed'),
    problem: /permission denied/,
    unprivileged: true,
  },
  'test: a report folder inside a file': {
    args: () => [
      'test',
      '--backends',
      'reference',
      '--vectors',
      VECTORS,
      '--report-dir',
      join(file('plain', 'x'), 'reports'),
    ],
    subject: () => `--report-dir: ${at('plain/reports')}`,
    problem: /not a directory/,
  },
  'test: an unwritable report folder': {
    args: () => [
      'test',
      '--backends',
      'reference',
      '--vectors',
      VECTORS,
      '--report-dir',
      folder('readonly', 0o555),
    ],
    subject: () => `--report-dir: ${at('readonly')}`,
    problem: /permission denied/,
    unprivileged: true,
  },
  'test: an endpoint that is not a WebSocket URL': {
    args: () => ['test', '--endpoint', 'localhost:9000', '--token', 'x'.repeat(32)],
    subject: () => 'localhost:9000',
    problem: /ws:\/\/ or wss:\/\//,
  },
  'test: an endpoint without a token': {
    args: () => ['test', '--endpoint', 'ws://127.0.0.1:1'],
    env: { DBAL_ENDPOINT_TOKEN: '' },
    subject: () => '--token',
    problem: /required/,
  },
}

describe('a user error is one line naming the thing, exit 2, no stack', { concurrency: 6 }, () => {
  for (const [name, c] of Object.entries(CASES))
    it(name, async () => {
      const r = await dbal(c.args(), {
        ...(c.unprivileged ? unprivileged : {}),
        ...(c.env ? { env: c.env } : {}),
      })
      assertUserError(r, c.subject(), c.problem)
      assert.ok(!r.stderr.includes('s3cret-pw'), r.stderr)
    })
})

it('dbal --help lists the commands and exits 0', async () => {
  for (const flag of ['--help', '-h', 'help']) {
    const r = await dbal([flag])
    assert.equal(r.status, 0, `${flag}: ${r.stderr}`)
    for (const command of ['test', 'migrate', 'generate', 'backends', 'daemon'])
      assert.match(r.stdout, new RegExp(`^  ${command} `, 'm'))
  }
})

/** Preloaded into the CLI: creating a folder fails with an error no user could cause. */
const BOOM = `import fs from 'node:fs'
import { syncBuiltinESMExports } from 'node:module'
fs.mkdirSync = () => { throw new Error('boom') }
syncBuiltinESMExports()
`

it('an internal error is one line pointing at DBAL_DEBUG=1, which adds the stack', async () => {
  // A vector file whose loading throws something that is not a user error: the CLI cannot know better.
  const args = ['test', '--backends', 'reference', '--vectors', VECTORS, '--report-dir', at('boom')]
  const NODE_OPTIONS = `--import ${file('boom.mjs', BOOM)}`
  const plain = await dbal(args, { env: { NODE_OPTIONS, DBAL_DEBUG: '' } })
  assert.equal(plain.status, 2, plain.stderr)
  assert.equal(
    plain.stderr,
    'dbal: internal error: Error: boom (rerun with DBAL_DEBUG=1 for the stack trace)\n',
  )
  const debug = await dbal(args, { env: { NODE_OPTIONS, DBAL_DEBUG: '1' } })
  assert.equal(debug.status, 2, debug.stderr)
  assert.match(debug.stderr, /^dbal: internal error: Error: boom\nError: boom\n\s+at /)
})

it('with DBAL_DEBUG=1 a user error keeps its line and adds the stack', async () => {
  const r = await dbal(['daemon', '--config', at('none.yaml')], { env: { DBAL_DEBUG: '1' } })
  assert.equal(r.status, 2, r.stderr)
  const [first, ...stack] = r.stderr.trimEnd().split('\n')
  assert.match(first!, /^dbal: .*none\.yaml.*no such file or directory/)
  assert.ok(
    stack.some((l) => /^\s+at /.test(l)),
    r.stderr,
  )
})

it('dbal --version prints the version of package.json', async () => {
  const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string
  }
  for (const flag of ['--version', '-V']) {
    const r = await dbal([flag])
    assert.equal(r.status, 0, r.stderr)
    assert.equal(r.stdout, `${version}\n`)
  }
})

it("each command's own help: dbal COMMAND --help and dbal help COMMAND, exit 0", async () => {
  for (const args of [
    ['test', '--help'],
    ['help', 'test'],
    ['test', '-h'],
  ]) {
    const r = await dbal(args)
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`)
    assert.match(r.stdout, /^Usage: dbal test \[options\]/)
    assert.match(r.stdout, /--report-dir DIR/)
    assert.doesNotMatch(r.stdout, /--config FILE/, 'only the command asked about')
  }
  const migrate = await dbal(['help', 'migrate'])
  assert.match(migrate.stdout, /--backend NAME/)
  assert.doesNotMatch(migrate.stdout, /--report-dir/)
})

it('dbal backends lists every backend, endpoint included', async () => {
  const { BACKENDS } = await import('../harness/backends.ts')
  const r = await dbal(['backends'])
  assert.equal(r.status, 0, r.stderr)
  const listed = r.stdout
    .trimEnd()
    .split('\n')
    .map((l) => l.split(/\s+/)[0])
  assert.deepEqual(listed, [...BACKENDS.map((b) => b.name), 'endpoint'])
  assert.match(r.stdout, /^endpoint\s+server\s+.*--endpoint.*\[DBAL_ENDPOINT_TOKEN\]$/m)
})

it('outside the checkout, reports go to ./dbal-reports in the current folder', async () => {
  // An application's folder: its node_modules gives the CLI's loader (tsx), as an installed dbal has it.
  const app = mkdtempSync(join(tmpdir(), 'dbal-app-'))
  chmodSync(app, 0o755)
  symlinkSync(fileURLToPath(new URL('../node_modules', import.meta.url)), join(app, 'node_modules'))
  try {
    const r = await dbal(['test', '--backends', 'reference', '--vectors', VECTORS], { cwd: app })
    assert.equal(r.status, 0, r.stderr)
    assert.ok(existsSync(join(app, 'dbal-reports', 'summary.md')), r.stdout)
    assert.ok(existsSync(join(app, 'dbal-reports', 'results.jsonl')), r.stdout)
  } finally {
    rmSync(app, { recursive: true, force: true })
  }
})
