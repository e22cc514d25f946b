/**
 * The parameter types of the step vocabulary ({entity}, {role}, {caller}, {code}, {direction},
 * {bool}): each matches a closed set of words, so a misspelt one leaves the step undefined (a failure).
 */
import { defineParameterType } from '@cucumber/cucumber'
import { schema } from '../../core/schema.ts'
import { ENTITY_WORDS } from './values.ts'

const words = (ws: readonly string[]) => new RegExp([...ws].sort((a, b) => b.length - a.length).join('|'))

/** The callers a step can name: the four roles, an anonymous visitor and the trusted system. */
export const CALLERS: Readonly<Record<string, string>> = {
  anonymous: 'anonymous',
  'the system': 'system',
  'a user': 'user',
  'an admin': 'admin',
  'a god': 'god',
  'a supergod': 'supergod',
}

export function defineParameterTypes(): void {
  defineParameterType({
    name: 'entity',
    regexp: words(Object.keys(ENTITY_WORDS)),
    transformer: (w: string) => ENTITY_WORDS[w]!,
  })
  defineParameterType({ name: 'role', regexp: /supergod|admin|user|god/ })
  defineParameterType({
    name: 'caller',
    regexp: words(Object.keys(CALLERS)),
    transformer: (w: string) => CALLERS[w]!,
  })
  defineParameterType({
    name: 'code',
    regexp: words([...schema.errors.keys()]),
  })
  defineParameterType({
    name: 'direction',
    regexp: /ascending|descending/,
    transformer: (w: string) => (w === 'ascending' ? 'asc' : 'desc'),
  })
  defineParameterType({ name: 'bool', regexp: /true|false/, transformer: (w: string) => w === 'true' })
}
