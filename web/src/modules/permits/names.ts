// People on a permit are recorded by login (signers, measure confirmers, the briefer, gas analysts,
// timeline actors); the permit's detail carries their display names (PermitDetail.user_names, e.g.
// "合成车间班长 刘强"). A login the server did not name is shown as it is.
import type { PermitDetail } from './types'

/** The display name of a login named on the permit, else the login itself ('' for none). */
export function displayName(permit: Pick<PermitDetail, 'user_names'>, login: string | null | undefined): string {
  if (!login) return ''
  return permit.user_names?.[login] || login
}
