/** `dbal migrate --backend NAME --url URL`: creates or upgrades the database of any registered backend. */
import { REGISTRY, registryEntry } from '../../adapters/registry.ts'
import { ConfigError } from '../../core/config-error.ts'
import { inputError } from '../../core/problems.ts'
import { shownUrl, withoutPassword } from '../../core/url.ts'

/** Backends with storage of their own: the in-memory reference has nothing to migrate. */
const MIGRATABLE = REGISTRY.filter((e) => e.server || e.fileUrl)

/** Failing on the database at `url`: what is wrong with it, the password never shown. */
function migrateError(url: string, e: unknown): unknown {
  const shown = shownUrl(url)
  // An adapter's own check of its URL (a wrong scheme) names the key `url`: here, that is --url.
  const error = e instanceof ConfigError && e.file === 'url' ? new ConfigError('--url', shown, e.problem) : e
  const out = inputError('--url', shown, error)
  return out instanceof ConfigError
    ? new ConfigError(out.file, out.key, withoutPassword(out.problem, url))
    : out
}

export async function migrateCommand(
  o: { backend?: string; url?: string },
  log: (line: string) => void,
): Promise<number> {
  const entry = o.backend === undefined ? undefined : registryEntry(o.backend)
  if (!entry || !MIGRATABLE.includes(entry))
    throw new ConfigError(
      '--backend',
      o.backend ?? '',
      `expected one of: ${MIGRATABLE.map((x) => x.name).join(', ')}`,
    )
  const url = o.url
  if (!url) throw new ConfigError('--url', '', 'required')
  // A driver would read a bare word as a host name or a socket path and fail far from the mistake.
  if (entry.server && !URL.canParse(url))
    throw new ConfigError('--url', url, `expected a URL such as ${entry.urls}`)
  // One connection, and no statement timeout: adding an index to a big table may take longer than any query should.
  const changes = await (async () => {
    const a = await entry.open({ url, poolSize: 1, statementTimeoutMs: 0 })
    try {
      return await a.migrate()
    } finally {
      await a.close()
    }
  })().catch((e: unknown) => {
    throw migrateError(url, e)
  })
  log(changes.length ? changes.map((c) => `  ${c}`).join('\n') : 'Up to date: nothing to change.')
  log(`${changes.length} change(s) applied to ${entry.name}`)
  return 0
}
