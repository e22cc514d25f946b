#!/usr/bin/env node
// The `dbal` command. Installed from npm it runs the compiled CLI in dist/ with plain node. In a
// checkout, where the TypeScript sources sit beside this folder, it runs them through tsx instead,
// even when a dist/ exists: the tests start daemons through this file (daemon/child.ts), and those
// must run the code under test, never a build older than the last edit.
import { existsSync } from 'node:fs'

const source = new URL('../harness/cli.ts', import.meta.url)
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api')
  register()
  await import(source.href)
} else {
  await import('../dist/harness/cli.js')
}
