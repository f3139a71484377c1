// Plant areas (for the permit form, the ledger filter and area names), read once and shared.
import { shallowRef } from 'vue'
import type { Area } from '@/api/types'
import { plantApi } from '@/modules/plant/api'

const areas = shallowRef<Area[]>([])
let pending: Promise<void> | null = null

export function useAreas() {
  function load(): Promise<void> {
    if (areas.value.length) return Promise.resolve()
    pending ??= plantApi
      .areas()
      .then((list) => {
        areas.value = list
      })
      .catch(() => undefined)
      .finally(() => {
        pending = null
      })
    return pending
  }

  function areaName(id: number | null | undefined): string {
    if (id === null || id === undefined) return ''
    const a = areas.value.find((x) => x.id === id)
    return a ? `${a.code} ${a.name}` : `#${id}`
  }

  return { areas, load, areaName }
}
