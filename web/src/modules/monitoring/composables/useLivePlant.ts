// Live values and alarms of a site or area, for the board and the map: a snapshot, then the
// `monitoring.values` frames (newest t per point wins) and `monitoring.alarm_changed` events
// (highest rev per alarm wins). The snapshot is re-read after every (re)subscription, so changes
// lost while the socket was down are recovered and older ones are dropped.
import { computed, ref, shallowRef, triggerRef } from 'vue'
import type { RealtimeEvent } from '@/api/realtime'
import { useRealtime } from '@/composables/useRealtime'
import { alarmPointState, QUALITY_BAD, worstState, type PointState } from '../state'
import type { AlarmView } from '../types'
import { createAlarmStore, type AlarmChangedData } from './alarmStore'
import { ALARM_TOPIC } from './useAlarmFeed'
import { useSnapshotFallback } from './useSnapshotFallback'

export const VALUES_TOPIC = 'monitoring.values'

export interface LiveValue {
  /** epoch seconds */
  t: number
  value: number
  quality: number
}

export interface LiveSnapshot {
  values: { point_id: number; t: number | null; value: number | null; quality: number | null }[]
  alarms: AlarmView[]
}

interface ValuesFrame {
  site_id: number
  area_id: number | null
  values: [number, number, number, number][]
}

export interface LivePlantOptions {
  load: () => Promise<LiveSnapshot>
  /** keep only frames and alarms of interest (e.g. one area) */
  accepts?: (siteId: number, areaId: number | null) => boolean
  /** called for each accepted new value (after the map is updated) */
  onValue?: (pointId: number, value: LiveValue) => void
  onAlarm?: (change: string, alarm: AlarmView, previous: AlarmView | undefined) => void
}

export function useLivePlant(options: LivePlantOptions) {
  const values = shallowRef(new Map<number, LiveValue>())
  const alarms = createAlarmStore()
  const loading = ref(false)
  const loaded = ref(false)
  const updatedAt = ref<number | null>(null)
  let generation = 0
  let reloadTimer: ReturnType<typeof setTimeout> | null = null

  function setValue(pointId: number, next: LiveValue): boolean {
    const current = values.value.get(pointId)
    if (current && current.t >= next.t) return false
    values.value.set(pointId, next)
    return true
  }

  async function reload(): Promise<void> {
    const mine = ++generation
    alarms.beginSnapshot()
    loading.value = true
    try {
      const snapshot = await options.load()
      if (mine !== generation) return
      // values: the snapshot and frames received meanwhile merge by newest t
      const next = new Map<number, LiveValue>()
      for (const v of snapshot.values) {
        if (v.t === null || v.value === null) continue
        next.set(v.point_id, { t: v.t, value: v.value, quality: v.quality ?? 0 })
      }
      for (const [id, v] of values.value) {
        const snap = next.get(id)
        if (!snap || v.t > snap.t) next.set(id, v)
      }
      values.value = next
      alarms.endSnapshot(snapshot.alarms)
      loaded.value = true
      updatedAt.value = Date.now()
    } catch {
      if (mine === generation) alarms.endSnapshot(null)
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  /** Both topics confirm together after a reconnect: one snapshot for both. */
  function scheduleReload(): void {
    if (reloadTimer) clearTimeout(reloadTimer)
    reloadTimer = setTimeout(() => {
      reloadTimer = null
      void reload()
    }, 30)
  }

  function onValues(event: RealtimeEvent<ValuesFrame>): void {
    const frame = event.data
    if (!frame || !Array.isArray(frame.values)) return
    if (options.accepts && !options.accepts(frame.site_id, frame.area_id)) return
    let changed = false
    for (const [pointId, t, value, quality] of frame.values) {
      const next = { t, value, quality }
      if (setValue(pointId, next)) {
        changed = true
        options.onValue?.(pointId, next)
      }
    }
    if (changed) {
      triggerRef(values)
      updatedAt.value = Date.now()
    }
  }

  function onAlarm(event: RealtimeEvent<AlarmChangedData>): void {
    const alarm = event.data?.alarm
    if (!alarm) return
    if (options.accepts && !options.accepts(alarm.site_id, alarm.area_id)) return
    const result = alarms.apply(alarm)
    if (result) options.onAlarm?.(event.data.change, alarm, result.previous)
  }

  useRealtime<ValuesFrame>(VALUES_TOPIC, onValues, scheduleReload)
  useRealtime<AlarmChangedData>(ALARM_TOPIC, onAlarm, scheduleReload)
  useSnapshotFallback(() => loaded.value || loading.value || reloadTimer !== null, reload)

  /** Alarms by point id. */
  const alarmsByPoint = computed(() => {
    const out = new Map<number, AlarmView[]>()
    for (const alarm of alarms.byId.value.values()) {
      const list = out.get(alarm.point_id)
      if (list) list.push(alarm)
      else out.set(alarm.point_id, [alarm])
    }
    return out
  })

  /** Display state of a point: its worst annunciated alarm, else bad quality, else normal. */
  function pointState(pointId: number, now = Date.now()): PointState {
    const states: PointState[] = []
    for (const alarm of alarmsByPoint.value.get(pointId) ?? []) {
      const s = alarmPointState(alarm, now)
      if (s) states.push(s)
    }
    if (states.length) return worstState(states)
    const value = values.value.get(pointId)
    if (!value) return 'unknown'
    return value.quality === QUALITY_BAD ? 'bad' : 'normal'
  }

  /** True while one of the point's alarms waits for acknowledgement. */
  function pointUnacked(pointId: number): boolean {
    return (alarmsByPoint.value.get(pointId) ?? []).some((a) => !a.acked && !a.oos && !a.suppressed)
  }

  return {
    values,
    alarms: alarms.byId,
    alarmsByPoint,
    loading,
    loaded,
    updatedAt,
    reload,
    upsertAlarms: alarms.upsert,
    pointState,
    pointUnacked,
  }
}
