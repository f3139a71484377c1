// Live alarm list: a REST snapshot, then `monitoring.alarm_changed` events from the WebSocket.
// Each alarm keeps its highest `rev`, so an event older than the snapshot (or a late duplicate) is
// dropped. The snapshot is re-read every time the server confirms the subscription, i.e. after each
// reconnect, because changes sent while the socket was down are lost.
import { computed, ref } from 'vue'
import type { RealtimeEvent } from '@/api/realtime'
import { useRealtime } from '@/composables/useRealtime'
import type { AlarmView } from '../types'
import { createAlarmStore, type AlarmChangedData } from './alarmStore'
import { useSnapshotFallback } from './useSnapshotFallback'

export const ALARM_TOPIC = 'monitoring.alarms'

export interface AlarmFeedOptions {
  /** Called for every accepted event (newer than what is known), with the previous version. */
  onChange?: (change: string, alarm: AlarmView, previous: AlarmView | undefined) => void
}

export function useAlarmFeed(load: () => Promise<AlarmView[]>, options: AlarmFeedOptions = {}) {
  const store = createAlarmStore()
  const loading = ref(false)
  const loaded = ref(false)
  let generation = 0

  async function reload(): Promise<void> {
    const mine = ++generation
    store.beginSnapshot()
    loading.value = true
    try {
      const alarms = await load()
      if (mine !== generation) return // a newer reload (filter change, reconnect) superseded this one
      store.endSnapshot(alarms)
      loaded.value = true
    } catch {
      if (mine === generation) store.endSnapshot(null) // shown by the HTTP client; keep the list
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  function onEvent(event: RealtimeEvent<AlarmChangedData>): void {
    const data = event.data
    if (!data?.alarm) return
    const result = store.apply(data.alarm)
    if (result) options.onChange?.(data.change, data.alarm, result.previous)
  }

  useRealtime<AlarmChangedData>(ALARM_TOPIC, onEvent, () => void reload())
  // when the socket cannot open (or the topic is refused), still show the list
  useSnapshotFallback(() => loaded.value || loading.value, reload)

  const alarms = computed(() => [...store.byId.value.values()])

  return { byId: store.byId, alarms, loading, loaded, reload, upsert: store.upsert }
}
