/** Sequelize 6 on `pg` through its model API (`findByPk`, `findAndCountAll`, `bulkCreate`, ...). */
import { DataTypes, Op, Sequelize } from 'sequelize'
import type { Row } from '../../core/adapter.ts'
import { buildTree, type Subject } from '../lib/subject.ts'
import { containsPattern } from './raw.ts'

export function sequelizeSubject(url: string, pool: number): Subject {
  const db = new Sequelize(url, { logging: false, pool: { max: pool, min: 0 } })
  const common = { timestamps: false, underscored: true } as const
  const id = { type: DataTypes.UUID, primaryKey: true }
  const ts = (field: string) => ({ type: DataTypes.DATE, allowNull: false, field })
  const User = db.define(
    'User',
    {
      id,
      username: DataTypes.TEXT,
      email: DataTypes.TEXT,
      role: DataTypes.TEXT,
      createdAt: ts('created_at'),
      updatedAt: ts('updated_at'),
    },
    { ...common, tableName: 'users' },
  )
  const Page = db.define(
    'PageView',
    {
      id,
      slug: DataTypes.TEXT,
      title: DataTypes.TEXT,
      description: DataTypes.TEXT,
      level: DataTypes.INTEGER,
      layout: DataTypes.JSONB,
      isActive: DataTypes.BOOLEAN,
      createdAt: ts('created_at'),
      updatedAt: ts('updated_at'),
    },
    { ...common, tableName: 'page_views' },
  )
  const Component = db.define(
    'Component',
    {
      id,
      pageId: DataTypes.UUID,
      parentId: DataTypes.UUID,
      componentType: DataTypes.TEXT,
      order: DataTypes.INTEGER,
      props: DataTypes.JSONB,
      createdAt: ts('created_at'),
      updatedAt: ts('updated_at'),
    },
    { ...common, tableName: 'component_hierarchy' },
  )
  return {
    name: 'Sequelize',
    readById: (key) => User.findByPk(key, { raw: true }),
    async list(offset) {
      const r = await Page.findAndCountAll({
        where: { isActive: true, level: { [Op.lte]: 3 } },
        order: [
          ['title', 'ASC'],
          ['id', 'ASC'],
        ],
        limit: 20,
        offset,
        raw: true,
      })
      return { rows: r.rows, total: r.count }
    },
    search(term) {
      const p = containsPattern(term)
      return User.findAll({
        where: { [Op.or]: [{ username: { [Op.iLike]: p } }, { email: { [Op.iLike]: p } }] },
        limit: 20,
        raw: true,
      })
    },
    insertOne: (r) => User.create(user(r)),
    createMany: (rows) => User.bulkCreate(rows.map(user)),
    updateOne: (key, email) =>
      User.update({ email, updatedAt: new Date() }, { where: { id: key }, returning: true }),
    count: () => User.count({ where: { role: 'admin' } }),
    async getTree(pageId) {
      const rows = (await Component.findAll({
        where: { pageId },
        order: [
          ['order', 'ASC'],
          ['id', 'ASC'],
        ],
        raw: true,
      })) as unknown as { id: string; parentId: string | null }[]
      return buildTree(rows, (r) => r.parentId)
    },
    close: () => db.close(),
  }
}

const user = (r: Row) => ({ ...r })
