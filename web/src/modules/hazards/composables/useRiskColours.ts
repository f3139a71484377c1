// Every visible unit's risk colour with its reasons: GET /hazards/risk when the realtime topic
// "hazards" is confirmed (and after each reconnect), then `hazards.colour_changed` events recolour
// in place (and are announced) while `hazards.risk_updated` events bring new reasons for an
// unchanged colour. The list is also re-read every minute, in case an event was missed.
import { computed, onBeforeUnmount, onMounted, ref, shallowRef } from 'vue'
import type { RealtimeEvent } from '@/api/realtime'
import { useRealtime } from '@/composables/useRealtime'
import { currentLocale } from '@/i18n'
import { useSnapshotFallback } from '@/modules/monitoring/composables/useSnapshotFallback'
import { hazardsApi } from '../api'
import type { ColourChanged, Risk } from '../types'

export const HAZARDS_TOPIC = 'hazards'
export const COLOUR_CHANGED = 'hazards.colour_changed'
export const RISK_UPDATED = 'hazards.risk_updated'
const REFRESH_MS = 60_000

export function useRiskColours(onChange?: (change: ColourChanged) => void) {
  const risks = shallowRef(new Map<number, Risk>())
  const loading = ref(false)
  const loaded = ref(false)
  let generation = 0
  let timer: ReturnType<typeof setInterval> | null = null

  async function load(): Promise<void> {
    const mine = ++generation
    loading.value = true
    try {
      const list = await hazardsApi.risk()
      if (mine !== generation) return
      risks.value = new Map(list.map((r) => [r.unit_id, r]))
      loaded.value = true
    } catch {
      // shown by the HTTP client
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  function onEvent(event: RealtimeEvent<ColourChanged>): void {
    const d = event.data
    const recoloured = event.name === COLOUR_CHANGED
    if ((!recoloured && event.name !== RISK_UPDATED) || !d || typeof d.unit_id !== 'number') return
    const current = risks.value.get(d.unit_id)
    if (!current) {
      // a unit this page has not seen yet: read the whole list again
      void load()
      return
    }
    const next = new Map(risks.value)
    next.set(d.unit_id, {
      ...current,
      colour: d.colour,
      inherent: d.inherent,
      dynamic: d.dynamic,
      reasons: d.reasons,
      points: d.points,
      model_version: d.model_version,
      changed_at: recoloured ? (event.ts ?? new Date().toISOString()) : current.changed_at,
    })
    risks.value = next
    if (recoloured) onChange?.(d)
  }

  useRealtime<ColourChanged>(HAZARDS_TOPIC, onEvent, () => void load())
  useSnapshotFallback(() => loaded.value || loading.value, load)
  onMounted(() => {
    timer = setInterval(() => void load(), REFRESH_MS)
  })
  onBeforeUnmount(() => {
    if (timer) clearInterval(timer)
  })

  /** The model's label in the UI language ("provisional — not the national model"). */
  const modelLabel = computed(() => {
    const first = risks.value.values().next().value
    if (!first) return ''
    return currentLocale() === 'zh-CN' ? first.model_label_zh : first.model_label_en
  })

  return { risks, loading, loaded, load, modelLabel }
}
