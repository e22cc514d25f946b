/**
 * PostgreSQL's SQLSTATEs and what each means (adapters/meaning.ts), written once for pg, PGlite and
 * Sequelize's postgres dialect; no driver is imported. By code first, then by class:
 *
 * - 23505 unique; 23503 and 23001 (ON DELETE RESTRICT since PostgreSQL 16; 15 reports 23503) reference.
 * - 23502 required; class 22 (data exception: out of range, too long, malformed text) and 23514 (check)
 *   invalid.
 * - 57014 (statement timeout or cancel) and 55P03 (lock_timeout) timeout.
 * - 40001 (serialization failure) and 40P01 (deadlock): contention, retryable: PostgreSQL asks the
 *   client to run the transaction again.
 * - class 08 (connection), 53 (out of resources), 58 (system), 57P01-57P03 (shutdown, cannot connect
 *   now): unavailable. Within them permanent, since a retry meets them again: 08P01 (the server refused
 *   the message itself, e.g. more than 65,535 parameters), 58P01/58P02 (a file missing or in the way).
 * - class 28 and 3D000 (a role, password or database wrong until someone changes the configuration),
 *   class 54 (a statement past a server limit): permanent.
 * - anything else internal.
 */
import type { Meaning } from '../meaning.ts'

const BY_CODE: Readonly<Record<string, Meaning>> = {
  '23505': 'unique',
  '23503': 'reference',
  '23001': 'reference',
  '23502': 'required',
  '23514': 'invalid',
  '57014': 'timeout',
  '55P03': 'timeout',
  '40001': 'contention',
  '40P01': 'contention',
  '57P01': 'unavailable',
  '57P02': 'unavailable',
  '57P03': 'unavailable',
  '08P01': 'permanent',
  '58P01': 'permanent',
  '58P02': 'permanent',
  '3D000': 'permanent',
}

const BY_CLASS: Readonly<Record<string, Meaning>> = {
  '22': 'invalid',
  '08': 'unavailable',
  '53': 'unavailable',
  '58': 'unavailable',
  '28': 'permanent',
  '54': 'permanent',
}

export function sqlstateMeaning(sqlstate: string): Meaning {
  return BY_CODE[sqlstate] ?? BY_CLASS[sqlstate.slice(0, 2)] ?? 'internal'
}

/** Node's socket errors (also inside the AggregateError a multi-address connect throws): unavailable. */
export const NETWORK_ERRNO =
  /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|ECONNABORTED)$/

/** What pg and PGlite say, without a code, when the connection is gone or closed: unavailable. */
export const CONNECTION_LOST =
  /Connection terminated|connection error|not queryable|Cannot use a pool after calling end|timeout expired|PGlite is closed|Client was closed/i
