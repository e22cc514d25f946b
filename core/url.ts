/**
 * A database URL as it may be shown (errors, reports, logs): its password replaced by `***`. One place,
 * for the CLI, the daemon, the harness and createDbal. A string that does not parse as a URL is shown as
 * it is (a file path), unless it looks like `scheme://user:password@...`, whose password is masked too.
 */
const LOOKS_LIKE_CREDENTIALS = /^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i

export function shownUrl(url: string): string {
  if (!URL.canParse(url)) return url.replace(LOOKS_LIKE_CREDENTIALS, '$1***@')
  const u = new URL(url)
  if (!u.password) return url
  u.password = '***'
  return u.toString()
}

/** `text` without the password of `url`, should a driver's message repeat it. */
export function withoutPassword(text: string, url: string): string {
  const password = URL.canParse(url) ? new URL(url).password : ''
  if (!password) return text
  return [password, decodeURIComponent(password)].reduce((t, p) => t.split(p).join('***'), text)
}
