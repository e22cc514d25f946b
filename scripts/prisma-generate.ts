/**
 * Generates the Prisma clients (one per provider, from prisma/*.prisma) into .tmp/prisma/, when one is
 * missing or its schema changed (a hash of the .prisma file is kept beside it). Offline: `prisma
 * generate` never runs an engine with the prisma-client generator and driver adapters, it only checks
 * that a schema engine file exists, so PRISMA_SCHEMA_ENGINE_BINARY names a placeholder; CHECKPOINT_DISABLE
 * stops the update check, the only other request the CLI makes.
 *
 *   npx tsx scripts/prisma-generate.ts            # every provider
 *   npx tsx scripts/prisma-generate.ts sqlite     # one
 */
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import {
  PRISMA_PROVIDERS,
  PRISMA_SCHEMA_FILES,
  type PrismaProvider,
} from '../adapters/prisma/prisma-schema.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const OUT = join(ROOT, '.tmp', 'prisma')

/** Where the generated client of `p` is; its entry module is `client.ts`. */
export const clientDir = (p: PrismaProvider): string => join(OUT, p)

const hashOf = (p: PrismaProvider) =>
  createHash('sha256')
    .update(readFileSync(join(ROOT, 'prisma', PRISMA_SCHEMA_FILES[p])))
    .digest('hex')

const stampFile = (p: PrismaProvider) => join(OUT, `${p}.hash`)

export function isCurrent(p: PrismaProvider): boolean {
  const stamp = stampFile(p)
  return (
    existsSync(join(clientDir(p), 'client.ts')) &&
    existsSync(stamp) &&
    readFileSync(stamp, 'utf8') === hashOf(p)
  )
}

const running = new Map<PrismaProvider, Promise<void>>()

/** Generates `p`'s client unless it is current; concurrent calls share one run. */
export function ensurePrismaClient(p: PrismaProvider): Promise<void> {
  if (isCurrent(p)) return Promise.resolve()
  let r = running.get(p)
  if (!r) {
    r = generate(p).finally(() => running.delete(p))
    running.set(p, r)
  }
  return r
}

const LOCK_STALE_MS = 120_000

/**
 * Holds `p`'s lock (a directory: mkdir is atomic) while `fn` runs, so that parallel test processes never
 * generate into one folder at once; a lock older than LOCK_STALE_MS is a crashed run's and is taken over.
 */
async function locked(p: PrismaProvider, fn: () => Promise<void>): Promise<void> {
  mkdirSync(OUT, { recursive: true })
  const lock = join(OUT, `${p}.lock`)
  for (;;) {
    try {
      mkdirSync(lock)
      break
    } catch (e) {
      if ((e as { code?: unknown }).code !== 'EEXIST') throw e
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now())
      if (age > LOCK_STALE_MS) rmSync(lock, { recursive: true, force: true })
      else await new Promise((r) => setTimeout(r, 100))
    }
  }
  try {
    // Another process may have generated it while this one waited.
    if (!isCurrent(p)) await fn()
  } finally {
    rmSync(lock, { recursive: true, force: true })
  }
}

function generate(p: PrismaProvider): Promise<void> {
  return locked(p, () => run(p))
}

async function run(p: PrismaProvider): Promise<void> {
  const placeholder = join(OUT, 'schema-engine-placeholder')
  if (!existsSync(placeholder))
    writeFileSync(placeholder, 'not an engine: prisma generate only checks it exists\n')
  const hash = hashOf(p)
  const cli = join(
    dirname(createRequire(import.meta.url).resolve('prisma/package.json')),
    'build',
    'index.js',
  )
  try {
    await promisify(execFile)(
      process.execPath,
      [cli, 'generate', '--schema', join(ROOT, 'prisma', PRISMA_SCHEMA_FILES[p])],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          PRISMA_SCHEMA_ENGINE_BINARY: placeholder,
          PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING: '1',
          PRISMA_HIDE_UPDATE_MESSAGE: '1',
          CHECKPOINT_DISABLE: '1',
        },
      },
    )
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string }
    throw new Error(`prisma generate (${p}) failed: ${err.stderr || err.stdout || err.message}`, { cause: e })
  }
  writeFileSync(stampFile(p), hash)
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const asked = process.argv.slice(2)
  const bad = asked.filter((a) => !(PRISMA_PROVIDERS as readonly string[]).includes(a))
  if (bad.length) {
    console.error(`unknown provider ${bad.join(', ')}: one of ${PRISMA_PROVIDERS.join(', ')}`)
    process.exit(2)
  }
  const list = (asked.length ? asked : PRISMA_PROVIDERS) as readonly PrismaProvider[]
  for (const p of list) {
    const was = isCurrent(p)
    await ensurePrismaClient(p)
    console.log(`prisma client ${p}: ${was ? 'current' : 'generated'} in ${clientDir(p)}`)
  }
}
