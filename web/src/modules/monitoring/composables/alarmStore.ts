// Alarm map keyed by id that keeps the highest `rev` of each alarm. A snapshot replaces the map,
// except for events that arrived while the snapshot request was in flight and are newer.
import { shallowRef, triggerRef } from 'vue'
import type { AlarmView } from '../types'

export interface AlarmChangedData {
  change: string
  alarm: AlarmView
}

export function createAlarmStore() {
  const byId = shallowRef(new Map<number, AlarmView>())
  let inFlight: Map<number, AlarmView> | null = null

  function newer(current: AlarmView | undefined, next: AlarmView): boolean {
    return !current || next.rev > current.rev
  }

  /** Applies one alarm; returns the previous version, or null when the alarm was not newer. */
  function apply(alarm: AlarmView): { previous: AlarmView | undefined } | null {
    if (inFlight && newer(inFlight.get(alarm.id), alarm)) inFlight.set(alarm.id, alarm)
    const previous = byId.value.get(alarm.id)
    if (!newer(previous, alarm)) return null
    byId.value.set(alarm.id, alarm)
    triggerRef(byId)
    return { previous }
  }

  function upsert(alarms: AlarmView[]): void {
    for (const alarm of alarms) apply(alarm)
  }

  /** Call before requesting a snapshot: events from now on are replayed over it. */
  function beginSnapshot(): void {
    inFlight = new Map()
  }

  function endSnapshot(alarms: AlarmView[] | null): void {
    if (alarms) {
      const next = new Map<number, AlarmView>()
      for (const alarm of alarms) next.set(alarm.id, alarm)
      for (const [id, alarm] of inFlight ?? []) if (newer(next.get(id), alarm)) next.set(id, alarm)
      byId.value = next
    }
    inFlight = null
  }

  return { byId, apply, upsert, beginSnapshot, endSnapshot }
}

export type AlarmStore = ReturnType<typeof createAlarmStore>
