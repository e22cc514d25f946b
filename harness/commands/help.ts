/**
 * The CLI's help: the overview (`dbal --help`) and each command's own (`dbal test --help`, `dbal help
 * test`). It imports nothing, so that help and `--version` answer without loading the library.
 */

/** Each command: its one-line summary and the lines of its options. */
export const COMMAND_HELP: Record<string, { readonly summary: string; readonly options: readonly string[] }> =
  {
    test: {
      summary: 'Run conformance vectors on backends',
      options: [
        '--backends LIST   backend names or groups (embedded, all); default: embedded',
        '--vectors PATH    a vector file or folder (repeatable); default: contracts/',
        '--require LIST    backends that must run (also $DBAL_REQUIRE); not run = failure',
        '--report-dir DIR  where results.jsonl and summary.md go; default: ./dbal-reports',
        '                  (reports/ inside the dbal checkout itself)',
        '--endpoint URL    also (without --backends: only) a daemon started elsewhere, as backend',
        '                  `endpoint`; --token T or $DBAL_ENDPOINT_TOKEN is its service token',
        '--shard K/N       only the K-th of N parts of the cases (the same cut on every machine)',
        "--timings FILE    cut the shards by a previous run's timings.json (balanced by duration)",
        '--jobs N|auto     split the backends over N processes (auto: one per core), merged as one run',
        '--quiet, -q       no progress lines',
        '--features        only the Gherkin features (features/*.feature), not the vectors;',
        '                  by default both run (--no-features: the vectors only)',
        "--tags EXPR       the features' scenarios to run, a cucumber tag expression",
        "                  ('@acl and not @slow')",
        '--no-vectors      the features only (as --features)',
        '--no-features     the vectors only',
      ],
    },
    fuzz: {
      summary: 'Differential fuzzing of backends against the reference (see docs/fuzz.md)',
      options: [
        '--backends LIST   backend names or groups, as for test; default: embedded',
        '--seed S          the campaign seed (an integer); the same seed, the same programs; default 1',
        '--iterations N    programs per backend; default 100',
        '--time-limit T    stop starting programs after T per backend (90, 90s, 10m, 2h)',
        '--report-dir DIR  fuzz/results.jsonl and a shrunk vector per mismatch go under DIR/fuzz/',
        '--quiet, -q       no progress lines',
      ],
    },
    report: {
      summary: 'merge DIR...: combine the result streams of shards and machines into one report',
      options: [
        'DIR               a report folder (its results.jsonl) or a results.jsonl; several',
        '--report-dir DIR  where the merged results.jsonl and reports go',
      ],
    },
    migrate: {
      summary: 'Create or upgrade a database from schema/ (running it twice changes nothing)',
      options: [
        '--backend NAME    one of the backends `dbal backends` lists as migratable',
        '--url URL         the database',
      ],
    },
    certify: {
      summary: 'Run the complete suite against an adapter module or a daemon; write a certificate',
      options: [
        'MODULE            an adapter module: a .js/.ts file, a folder or a package exporting',
        '                  createAdapter (or a default factory); see docs/adapters.md',
        '--endpoint URL    instead of MODULE: a daemon started elsewhere (with test.reset enabled);',
        '                  --token T or $DBAL_ENDPOINT_TOKEN is its service token',
        '--vectors PATH    a vector file or folder (repeatable); default: the whole suite',
        "--deviations DIR  the subject's own ledger of known deviations (YAML, as harness/deviations/)",
        '--report-dir DIR  where certificate.json, certificate.md and results.jsonl go',
        '--quiet, -q       no progress lines',
      ],
    },
    generate: { summary: 'Regenerate core/types.generated.ts from schema/', options: [] },
    backends: {
      summary: 'List the backends, how each is provisioned, and its environment variables',
      options: [],
    },
    daemon: {
      summary: 'Serve the DBAL over WebSocket JSON-RPC (see README, Daemon)',
      options: ["--config FILE     the daemon's YAML config (dbal.daemon.yaml)"],
    },
  }

const FOOTER = `Other:
  help [COMMAND]    this help, or one command's (also: dbal COMMAND --help)
  --version         the installed version

Environment: DBAL_DEBUG=1 shows the stack trace of any error.`

export function usage(): string {
  const lines = ['Usage: dbal <command> [options]', '', 'Commands:']
  for (const [name, c] of Object.entries(COMMAND_HELP)) {
    lines.push(`  ${name.padEnd(9)} ${c.summary}`)
    for (const o of c.options) lines.push(`            ${o}`)
  }
  return `${lines.join('\n')}\n\n${FOOTER}\n`
}

export function commandUsage(name: string): string {
  const c = COMMAND_HELP[name]!
  const options = c.options.length ? `\n\nOptions:\n${c.options.map((o) => `  ${o}`).join('\n')}` : ''
  return `Usage: dbal ${name}${c.options.length ? ' [options]' : ''}\n\n${c.summary}${options}\n`
}
