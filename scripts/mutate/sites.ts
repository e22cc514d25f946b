/**
 * The mutants of one TypeScript file: small changes a wrong adapter could hold, found on the syntax tree
 * (never in comments, strings or types). A mutant is a span of the source and what replaces it.
 * Operators: a comparison or equality turned (`<` to `<=`, `===` to `!==`), `&&` and `||` swapped, `+`
 * and `-` swapped, a `!` dropped, a boolean literal flipped, an `if` condition made always true and
 * always false. The set of StrykerJS's core mutators that a query compiler's bugs look like.
 */
import ts from 'typescript'

export interface Mutant {
  readonly file: string
  readonly line: number
  readonly start: number
  readonly end: number
  readonly original: string
  readonly replacement: string
  readonly operator: string
}

const BINARY: ReadonlyMap<ts.SyntaxKind, readonly [string, string][]> = new Map([
  [ts.SyntaxKind.EqualsEqualsEqualsToken, [['!==', 'equality']]],
  [ts.SyntaxKind.ExclamationEqualsEqualsToken, [['===', 'equality']]],
  [ts.SyntaxKind.EqualsEqualsToken, [['!=', 'equality']]],
  [ts.SyntaxKind.ExclamationEqualsToken, [['==', 'equality']]],
  [
    ts.SyntaxKind.LessThanToken,
    [
      ['<=', 'boundary'],
      ['>=', 'comparison'],
    ],
  ],
  [
    ts.SyntaxKind.LessThanEqualsToken,
    [
      ['<', 'boundary'],
      ['>', 'comparison'],
    ],
  ],
  [
    ts.SyntaxKind.GreaterThanToken,
    [
      ['>=', 'boundary'],
      ['<=', 'comparison'],
    ],
  ],
  [
    ts.SyntaxKind.GreaterThanEqualsToken,
    [
      ['>', 'boundary'],
      ['<', 'comparison'],
    ],
  ],
  [ts.SyntaxKind.AmpersandAmpersandToken, [['||', 'logical']]],
  [ts.SyntaxKind.BarBarToken, [['&&', 'logical']]],
  [ts.SyntaxKind.PlusToken, [['-', 'arithmetic']]],
  [ts.SyntaxKind.MinusToken, [['+', 'arithmetic']]],
])

/** A `+` with a string literal or template beside it is concatenation: `-` would not even type-check. */
const concatenation = (e: ts.BinaryExpression) =>
  [e.left, e.right].some(
    (s) => ts.isStringLiteral(s) || ts.isTemplateExpression(s) || ts.isNoSubstitutionTemplateLiteral(s),
  )

export function mutantsOf(file: string, text: string): Mutant[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS)
  const out: Mutant[] = []
  const add = (
    node: ts.Node | { getStart(): number; end: number },
    replacement: string,
    operator: string,
  ) => {
    const start = node.getStart(source)
    out.push({
      file,
      line: source.getLineAndCharacterOfPosition(start).line + 1,
      start,
      end: node.end,
      original: text.slice(start, node.end),
      replacement,
      operator,
    })
  }
  const visit = (node: ts.Node): void => {
    if (ts.isTypeNode(node) || ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return
    if (ts.isBinaryExpression(node)) {
      const kind = node.operatorToken.kind
      if (!(kind === ts.SyntaxKind.PlusToken && concatenation(node)))
        for (const [op, name] of BINARY.get(kind) ?? []) add(node.operatorToken, op, name)
    } else if (ts.isPrefixUnaryExpression(node) && node.operator === ts.SyntaxKind.ExclamationToken) {
      add({ getStart: () => node.getStart(source), end: node.getStart(source) + 1 }, '', 'negation')
    } else if (node.kind === ts.SyntaxKind.TrueKeyword) add(node, 'false', 'boolean')
    else if (node.kind === ts.SyntaxKind.FalseKeyword) add(node, 'true', 'boolean')
    else if (ts.isIfStatement(node) || ts.isConditionalExpression(node)) {
      const cond = ts.isIfStatement(node) ? node.expression : node.condition
      add(cond, 'true', 'condition')
      add(cond, 'false', 'condition')
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  return out
}

/** The file's text with the mutant applied. */
export const applyMutant = (text: string, m: Mutant): string =>
  text.slice(0, m.start) + m.replacement + text.slice(m.end)
