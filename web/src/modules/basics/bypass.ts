// Interlock bypass (联锁旁路) states, which actions each state allows and who may take them
// (mirrors bypass_service.TRANSITIONS; the server enforces it).
import type { Bypass, BypassAction, BypassStatus } from './types'

export const BYPASS_STATUSES: BypassStatus[] = ['requested', 'approved', 'active', 'removed', 'rejected', 'cancelled']

export const BYPASS_TAG: Record<BypassStatus, 'primary' | 'success' | 'warning' | 'info' | 'danger'> = {
  requested: 'warning',
  approved: 'primary',
  active: 'danger',
  removed: 'success',
  rejected: 'info',
  cancelled: 'info',
}

/** Actions by source state and the permissions that allow each (any one of them). */
const ACTIONS: Record<BypassAction, { from: BypassStatus[]; permissions: string[] }> = {
  approve: { from: ['requested'], permissions: ['basics.bypass.approve'] },
  reject: { from: ['requested'], permissions: ['basics.bypass.approve'] },
  apply: { from: ['approved'], permissions: ['basics.bypass.request'] },
  remove: { from: ['active'], permissions: ['basics.bypass.request'] },
  cancel: { from: ['requested', 'approved'], permissions: ['basics.bypass.request', 'basics.bypass.approve'] },
}

/** The actions a user may take on a bypass; nobody approves or rejects their own request (four eyes). */
export function bypassActions(b: Bypass, can: (code: string) => boolean, userId: number | null): BypassAction[] {
  return (Object.keys(ACTIONS) as BypassAction[]).filter((a) => {
    const rule = ACTIONS[a]
    if (!rule.from.includes(b.status) || !rule.permissions.some(can)) return false
    return !((a === 'approve' || a === 'reject') && userId !== null && b.requested_by === userId)
  })
}

/** Still bypassed after the approval ended (rules.bypass_overdue: active and now > approved_until). */
export function bypassOverdue(b: Bypass, now = Date.now()): boolean {
  return b.status === 'active' && b.approved_until !== null && now > new Date(b.approved_until).getTime()
}
