/**
 * The parity report as one self-contained HTML file (report.html): the parity model embedded as JSON,
 * drawn by an inline script (html-script.ts, html-sections.ts) with an inline style sheet (html-assets.ts).
 * It loads nothing: its Content-Security-Policy allows no fetch at all and runs only that one script (by
 * its hash), so even a case name that slipped through as markup could neither run nor call out.
 */
import { createHash } from 'node:crypto'
import { REPORT_BODY, REPORT_CSS } from './html-assets.ts'
import { REPORT_SCRIPT } from './html-script.ts'
import type { Parity } from './parity.ts'

/** JSON that cannot end the <script> element holding it: `<`, `>`, `&` and the line separators escaped. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
}

export function renderHtml(p: Parity): string {
  const hash = createHash('sha256').update(REPORT_SCRIPT).digest('base64')
  const csp = `default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-${hash}'`
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>DBAL parity report</title>
<link rel="icon" href="data:,">
<style>${REPORT_CSS}</style>
</head>
<body>
${REPORT_BODY}
<script type="application/json" id="parity-data">${scriptJson(p)}</script>
<script>${REPORT_SCRIPT}</script>
</body>
</html>
`
}
