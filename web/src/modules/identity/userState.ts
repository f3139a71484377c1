// Small helpers shared by the users table and the phone card list.
import type { User } from '@/api/types'

export type UserCommand = 'edit' | 'toggle' | 'unlock' | 'reset' | 'resetTotp' | 'access'

/** True while a failed-login lockout is in force. */
export function isLocked(user: User): boolean {
  return user.locked_until !== null && new Date(user.locked_until).getTime() > Date.now()
}
