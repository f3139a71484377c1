// Area id → name, for lists that carry only area ids (loaded once per page).
import { ref } from 'vue'
import { useI18n } from 'vue-i18n'
import type { Area } from '@/api/types'
import { plantApi } from '@/modules/plant/api'
import { useAuthStore } from '@/stores/auth'

export function useAreaNames() {
  const { t } = useI18n()
  const auth = useAuthStore()
  const areas = ref<Area[]>([])

  async function loadAreas(): Promise<void> {
    if (!auth.can('plant.read')) return
    try {
      areas.value = await plantApi.areas()
    } catch {
      // names fall back to ids
    }
  }

  function areaName(id: number | null | undefined): string {
    if (id === null || id === undefined) return t('monitoring.board.noArea')
    return areas.value.find((a) => a.id === id)?.name ?? `#${id}`
  }

  return { areas, loadAreas, areaName }
}
