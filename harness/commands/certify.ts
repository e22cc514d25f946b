/**
 * `dbal certify <module>` | `dbal certify --endpoint URL --token T`: the complete suite against an
 * adapter module or a daemon, then reports/certificate.json and certificate.md (and results.jsonl,
 * which every renderer reads). Exit 0 only if it ran and nothing failed.
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { renderCertificate } from '../../reports/certificate.ts'
import { RemoteExecutor } from '../../adapters/remote/index.ts'
import type { Backend } from '../backend.ts'
import { endpointBackend } from '../backends/remote.ts'
import { certificateOf, type Subject } from '../certificate.ts'
import { factoryBackend, runBackend } from '../conformance.ts'
import { loadDeviations } from '../deviations.ts'
import { loadFactory, packageOf } from '../load-adapter.ts'
import { Progress } from '../progress.ts'
import { tallyLine } from '../results.ts'
import { displayPath, loadVectors } from '../vectors/load.ts'
import { sizeOf } from '../vectors/model.ts'
import { inputError } from '../../core/problems.ts'

export interface CertifyOptions {
  readonly module?: string
  readonly endpoint?: string
  readonly token?: string
  readonly vectors: readonly string[]
  /** A folder of the subject's own deviation ledger (harness/deviations.ts format). */
  readonly deviations?: string
  readonly reportDir: string
  readonly harness: { readonly package: string; readonly version: string }
  readonly log: (line: string) => void
  /** No progress lines. */
  readonly quiet?: boolean
}

const MAX_LISTED = 30

/** What vector paths in the certificate are relative to: stable across machines for the shipped suite. */
function rootOf(vectors: readonly string[]): string {
  if (vectors.length !== 1) return process.cwd()
  const v = resolve(vectors[0]!)
  return statSync(v).isDirectory() ? v : dirname(v)
}

/** The backend to certify and what the certificate says it is. */
async function subjectOf(o: CertifyOptions): Promise<{ backend: Backend; subject: Subject }> {
  if (o.endpoint !== undefined) {
    const probe = new RemoteExecutor({ url: o.endpoint, token: o.token!, connectTimeoutMs: 15_000 })
    const protocol = await probe
      .whoami()
      .then((w) => w.protocol)
      .catch(() => undefined)
      .finally(() => probe.close())
    return {
      backend: endpointBackend(o.endpoint, o.token),
      subject: { kind: 'daemon', name: 'endpoint', source: o.endpoint, ...(protocol ? { protocol } : {}) },
    }
  }
  const { factory, file } = await loadFactory(o.module!)
  const first = await factory({})
  const pkg = packageOf(file)
  return {
    backend: factoryBackend(first.name, factory, first),
    subject: {
      kind: 'adapter',
      name: first.name,
      ...(pkg.version ? { version: pkg.version } : {}),
      source: pkg.name ? `${pkg.name} (${displayPath(file)})` : displayPath(file),
    },
  }
}

export async function certifyCommand(o: CertifyOptions): Promise<number> {
  const { backend, subject } = await subjectOf(o)
  const files = loadVectors(o.vectors)
  const { cases } = sizeOf(files)
  o.log(
    `Certifying ${subject.kind} ${subject.name} (${subject.source}): ${cases} cases from ${files.length} files`,
  )
  const progress = new Progress(new Map([[backend.name, cases]]), { quiet: o.quiet })
  const result = await runBackend(backend, {
    files,
    deviations: o.deviations ? loadDeviations(resolve(o.deviations)) : [],
    onEvent: (e) => progress.event(e),
    onCase: () => progress.tick(backend.name),
  })
  progress.finish()
  const vectorRoot = rootOf(o.vectors)
  const cert = certificateOf(result, subject, o.harness, vectorRoot)
  try {
    mkdirSync(o.reportDir, { recursive: true })
    writeFileSync(
      join(o.reportDir, 'results.jsonl'),
      result.events.map((e) => JSON.stringify(e)).join('\n') + '\n',
    )
    writeFileSync(join(o.reportDir, 'certificate.json'), `${JSON.stringify(cert, null, 2)}\n`)
    writeFileSync(join(o.reportDir, 'certificate.md'), renderCertificate(cert))
  } catch (e) {
    throw inputError('--report-dir', o.reportDir, e)
  }
  if (!result.ran) o.log(`NOT RUN: ${result.reason}`)
  for (const c of cert.capabilityClaims) o.log(`  CAPABILITY ${c}`)
  for (const f of cert.failures.slice(0, MAX_LISTED))
    o.log(`  FAIL ${f.case} › step ${f.step} ${f.action}: ${f.reason}`)
  if (result.failures.length > MAX_LISTED)
    o.log(`  … ${result.failures.length - MAX_LISTED} more failures in the certificate`)
  o.log(
    `Certificate: ${displayPath(join(o.reportDir, 'certificate.md'))}, ${displayPath(join(o.reportDir, 'certificate.json'))}`,
  )
  o.log(`${cert.result === 'certified' ? 'CERTIFIED' : 'NOT CERTIFIED'}: ${subject.name}`)
  o.log(tallyLine(result.tally))
  return cert.result === 'certified' ? 0 : 1
}
