/**
 * The benchmark's dataset, the same for every subject and database: 10,000 users, 10,000 pages and one
 * page with a component tree of 200 nodes, loaded once through the DBAL's adapter (its own tables, so
 * every subject reads the same rows), plus the inputs each workload walks through.
 */
import type { ManagedAdapter, Row } from '../../core/adapter.ts'

export const USERS = 10_000
export const PAGES = 10_000
export const TREE = 200
const TS = '2030-01-01T00:00:00.000Z'

/** A UUID v4 made from a number, so ids are known without reading them back. */
export const uuid = (kind: number, i: number) =>
  `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${i.toString(16).padStart(12, '0')}`

export const userId = (i: number) => uuid(1, i % USERS)
export const TREE_PAGE = uuid(2, 0)

/** User i of the dataset; with `subject`, a new user of that subject's own writes (ids and names apart). */
export function userRow(i: number, subject?: number): Row {
  const role = i % 10 === 0 ? 'admin' : 'user'
  const name = subject === undefined ? `user${i}` : `w${subject}x${i}`
  const id = uuid(subject === undefined ? 1 : 100 + subject, i)
  return { id, username: name, email: `${name}@example.com`, role, createdAt: TS, updatedAt: TS }
}

const pageRow = (i: number): Row => ({
  id: uuid(2, i),
  slug: `page-${i}`,
  title: `Page ${String(i).padStart(5, '0')}`,
  description: null,
  level: (i % 5) + 1,
  layout: { columns: i % 3 },
  isActive: i % 7 !== 0,
  createdAt: TS,
  updatedAt: TS,
})

/** Node k's parent: a tree about 4 levels deep, children ordered by `order`. */
const componentRow = (k: number): Row => ({
  id: uuid(3, k),
  pageId: TREE_PAGE,
  parentId: k < 5 ? null : uuid(3, Math.floor((k - 5) / 4)),
  componentType: k % 2 ? 'Text' : 'Box',
  order: k % 4,
  props: { k },
  createdAt: TS,
  updatedAt: TS,
})

const range = (n: number) => Array.from({ length: n }, (_, i) => i)

/** Loads the dataset into an empty, migrated database. */
export async function load(adapter: ManagedAdapter): Promise<void> {
  await adapter.reset()
  for (let i = 0; i < USERS; i += 1000)
    await adapter.createMany(
      'User',
      range(1000).map((k) => userRow(i + k)),
    )
  for (let i = 0; i < PAGES; i += 1000)
    await adapter.createMany(
      'PageView',
      range(1000).map((k) => pageRow(i + k)),
    )
  await adapter.createMany('ComponentHierarchy', range(TREE).map(componentRow))
}

/** The search terms the case-insensitive `$contains` workload cycles through (upper case on purpose). */
export const searchTerm = (i: number) => `ER${(i % 90) + 10}`
/** The list workload's page of 20: cycles through the first 50 pages. */
export const listOffset = (i: number) => (i % 50) * 20
