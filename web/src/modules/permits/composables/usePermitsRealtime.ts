// The realtime topic "permits": `permits.changed` (a permit moved in its life cycle) and
// `permits.alarm_raised` (a work alarm opened). The caller reloads what it shows; reloads are
// coalesced so that a burst of events (a signature that also issues) reads once. `onSubscribed`
// runs after every (re)subscription, when a snapshot must be read again.
import { onBeforeUnmount } from 'vue'
import type { RealtimeEvent } from '@/api/realtime'
import { useRealtime } from '@/composables/useRealtime'
import type { AlarmRaised, PermitChanged } from '../types'

export const PERMITS_TOPIC = 'permits'
export const PERMIT_CHANGED = 'permits.changed'
export const ALARM_RAISED = 'permits.alarm_raised'
const COALESCE_MS = 300

export type PermitEvent = RealtimeEvent<PermitChanged | AlarmRaised>

export function usePermitsRealtime(reload: (event: PermitEvent | null) => void, filter?: (event: PermitEvent) => boolean): void {
  let timer: ReturnType<typeof setTimeout> | null = null
  let last: PermitEvent | null = null

  function schedule(event: PermitEvent | null): void {
    last = event
    if (timer) return
    timer = setTimeout(() => {
      timer = null
      reload(last)
    }, COALESCE_MS)
  }

  useRealtime<PermitChanged | AlarmRaised>(
    PERMITS_TOPIC,
    (event) => {
      if (event.name !== PERMIT_CHANGED && event.name !== ALARM_RAISED) return
      if (filter && !filter(event)) return
      schedule(event)
    },
    () => schedule(null),
  )
  onBeforeUnmount(() => {
    if (timer) clearTimeout(timer)
  })
}
