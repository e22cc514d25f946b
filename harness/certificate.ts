/**
 * What `dbal certify` writes to reports/certificate.json: which suite ran (a hash of the vector files'
 * contents, so two certificates of the same suite can be compared), on which schema, against what
 * (an adapter module with its version, or a daemon with its protocol version), and what happened.
 */
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { SCHEMA_DIR } from '../core/schema.ts'
import { capabilityMatrix, claimProblems } from '../reports/capabilities.ts'
import type { ConformanceResult } from './conformance.ts'
import type { BackendEvent, Outcome, RunEvent } from './results.ts'
import { sizeOf } from './vectors/model.ts'

export interface Subject {
  readonly kind: 'adapter' | 'daemon'
  readonly name: string
  /** The module's package version, when it has a package.json. */
  readonly version?: string
  /** The module path or package, or the daemon's URL. */
  readonly source: string
  /** A daemon's protocol version, from auth.whoami. */
  readonly protocol?: string
}

export interface Certificate {
  readonly certificate: 1
  readonly result: 'certified' | 'failed' | 'not-run'
  readonly subject: Subject
  readonly suite: {
    readonly hash: string
    readonly files: number
    readonly cases: number
    readonly steps: number
  }
  readonly schema: { readonly hash: string }
  readonly harness: { readonly package: string; readonly version: string }
  readonly capabilities: Readonly<Record<string, boolean>>
  /** Declarations the probes contradict (reports/capabilities.ts): any one refuses the certificate. */
  readonly capabilityClaims: readonly string[]
  readonly counts: Readonly<Record<Outcome, number>>
  readonly deviations: readonly { case: string; step: number; reason: string }[]
  readonly failures: readonly { file: string; case: string; step: number; action: string; reason: string }[]
  /** Why it did not run, when it did not. */
  readonly reason?: string
  readonly node: string
  readonly date: string
}

const MAX_FAILURES = 500

/** sha256 over the files' paths (relative to `root`) and contents, in path order. */
export function contentHash(paths: readonly string[], root: string): string {
  const h = createHash('sha256')
  for (const p of [...paths].sort()) {
    h.update(relative(root, p)).update('\0').update(readFileSync(p)).update('\0')
  }
  return `sha256:${h.digest('hex')}`
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath, d.name))
}

export function certificateOf(
  r: ConformanceResult,
  subject: Subject,
  harness: { package: string; version: string },
  vectorRoot: string,
): Certificate {
  const counts: Record<Outcome, number> = { pass: 0, fail: 0, skip: 0, xfail: 0, xpass: 0 }
  const deviations: Certificate['deviations'][number][] = []
  for (const e of r.events) {
    if (e.type !== 'step') continue
    counts[e.outcome]++
    if (e.outcome === 'xfail') deviations.push({ case: e.case, step: e.step, reason: e.reason ?? '' })
  }
  const run = r.events.find((e): e is RunEvent => e.type === 'run')!
  const backends = r.events.filter((e): e is BackendEvent => e.type === 'backend')
  const claims = claimProblems(capabilityMatrix(run, backends, r.events))
  return {
    certificate: 1,
    result: !r.ran ? 'not-run' : r.passed && claims.length === 0 ? 'certified' : 'failed',
    subject,
    suite: {
      hash: contentHash(
        r.files.map((f) => f.path),
        vectorRoot,
      ),
      files: r.files.length,
      ...sizeOf(r.files),
    },
    schema: { hash: contentHash(filesUnder(SCHEMA_DIR), SCHEMA_DIR) },
    harness,
    capabilities: r.capabilities ?? {},
    capabilityClaims: claims,
    counts,
    deviations,
    failures: r.failures.slice(0, MAX_FAILURES).map((f) => ({
      file: relative(vectorRoot, f.file),
      case: f.case,
      step: f.step,
      action: `${f.entity}.${f.action}`,
      reason: f.reason ?? '',
    })),
    ...(r.reason ? { reason: r.reason } : {}),
    node: process.version,
    date: new Date().toISOString(),
  }
}
