/** A schema other than the project's, for tests that pass one to an adapter (FactoryOptions.schema). */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadSchema, SCHEMA_DIR, type Schema } from '../core/schema.ts'

/**
 * schema/ with fields added to `file`'s entity (YAML lines under `fields:`), loaded from a temporary
 * copy: a newer version of the schema than a database was migrated to.
 */
export function grownSchema(file: string, fields: string): Schema {
  const dir = mkdtempSync(join(tmpdir(), 'dbal-grown-'))
  try {
    cpSync(SCHEMA_DIR, dir, { recursive: true })
    const path = join(dir, 'entities', file)
    writeFileSync(path, readFileSync(path, 'utf8').replace(/^fields:\n/m, `fields:\n${fields}`))
    return loadSchema(dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
