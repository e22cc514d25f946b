/**
 * What every subject (a raw driver, a peer library, the DBAL at one of its levels) implements: the same
 * workloads on the same tables, written the way a user of that library would write them. A page of a
 * list comes with its total (what the DBAL's list returns), so every subject runs the rows and the count.
 */
import type { Row } from '../../core/adapter.ts'

export interface Subject {
  readonly name: string
  /** One user by primary key. */
  readById(id: string): Promise<unknown>
  /** Active pages with level ≤ 3, by title then id, 20 from `offset`, with the total. */
  list(offset: number): Promise<{ rows: readonly unknown[]; total: number }>
  /** Up to 20 users whose username or email contains `term`, ignoring case. */
  search(term: string): Promise<readonly unknown[]>
  insertOne(row: Row): Promise<unknown>
  createMany(rows: readonly Row[]): Promise<unknown>
  /** Sets one user's email. */
  updateOne(id: string, email: string): Promise<unknown>
  /** Users with role admin. */
  count(): Promise<number>
  /** The page's components as a tree (roots and children by order, then id). */
  getTree(pageId: string): Promise<readonly TreeNode[]>
  close(): Promise<void>
}

export interface TreeNode {
  readonly id: string
  readonly children: TreeNode[]
}

/**
 * A tree from flat rows already sorted by order then id: what a user of a library without tree support
 * writes after one query for the page's components.
 */
export function buildTree<T extends { id: string }>(
  rows: readonly T[],
  parentOf: (r: T) => string | null,
): (T & TreeNode)[] {
  const nodes = new Map(rows.map((r) => [r.id, { ...r, children: [] as TreeNode[] }]))
  const roots: (T & TreeNode)[] = []
  for (const r of rows) {
    const node = nodes.get(r.id)!
    const parent = parentOf(r)
    if (parent === null) roots.push(node)
    else nodes.get(parent)?.children.push(node)
  }
  return roots
}

/** Nodes in a tree, for the check that every subject built the same one. */
export const treeSize = (nodes: readonly TreeNode[]): number =>
  nodes.reduce((n, c) => n + 1 + treeSize(c.children), 0)

/** A dataset row (bench/lib/data.ts) as a typed users row, camelCase, for the libraries that want one. */
export const asUser = (r: Row) => ({
  id: r.id as string,
  username: r.username as string,
  email: r.email as string,
  role: r.role as string,
  createdAt: r.createdAt as string,
  updatedAt: r.updatedAt as string,
})
