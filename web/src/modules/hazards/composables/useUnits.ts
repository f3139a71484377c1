// The identification units visible to the user and the plant areas' names, shared by the pages
// that show a unit by id (tasks, warnings, the map).
import { computed, ref, shallowRef } from 'vue'
import type { Area } from '@/api/types'
import { plantApi } from '@/modules/plant/api'
import { useAuthStore } from '@/stores/auth'
import { hazardsApi } from '../api'
import type { Unit } from '../types'

const units = shallowRef<Unit[]>([])
const areas = shallowRef<Area[]>([])
const loading = ref(false)
let areasLoaded: Promise<void> | null = null

export function useUnits() {
  const auth = useAuthStore()

  async function load(): Promise<void> {
    loading.value = true
    try {
      units.value = await hazardsApi.units()
    } catch {
      // shown by the HTTP client
    } finally {
      loading.value = false
    }
  }

  function loadAreas(): Promise<void> {
    if (!auth.can('plant.read')) return Promise.resolve()
    areasLoaded ??= plantApi
      .areas()
      .then((list) => {
        areas.value = list
      })
      .catch(() => {
        areasLoaded = null
      })
    return areasLoaded
  }

  const byId = computed(() => new Map(units.value.map((u) => [u.id, u])))
  const areaById = computed(() => new Map(areas.value.map((a) => [a.id, a])))

  function unitLabel(id: number): string {
    const u = byId.value.get(id)
    return u ? `${u.code} ${u.name}` : `#${id}`
  }

  function areaName(id: number | null | undefined): string {
    if (id === null || id === undefined) return '—'
    return areaById.value.get(id)?.name ?? `#${id}`
  }

  /** Replaces one unit after an edit. */
  function put(unit: Unit): void {
    const list = units.value.filter((u) => u.id !== unit.id)
    list.push(unit)
    list.sort((a, b) => a.code.localeCompare(b.code))
    units.value = list
  }

  return { units, areas, loading, load, loadAreas, byId, unitLabel, areaName, put }
}
