// Plant map API shared with child components (provide/inject) and parents (template ref).
import type { Layer, Map as LeafletMap } from 'leaflet'
import { inject, type InjectionKey, type ShallowRef } from 'vue'

export interface PlantMapLayer {
  /** i18n key or literal label; also the layer's identity in the layer control */
  name: string
  layer: Layer
  /** initially shown (default true) */
  visible?: boolean
}

export interface PlantMapApi {
  /** the Leaflet map once mounted */
  map: ShallowRef<LeafletMap | null>
  /** adds (or replaces) a named overlay in the layer control */
  addLayer(name: string, layer: Layer, visible?: boolean): void
  removeLayer(name: string): void
  /** fits the view to the site drawing */
  fit(): void
}

export const PLANT_MAP_KEY: InjectionKey<PlantMapApi> = Symbol('plant-map')

/** For layer components placed in PlantMap's default slot. */
export function usePlantMap(): PlantMapApi {
  const api = inject(PLANT_MAP_KEY, null)
  if (!api) throw new Error('usePlantMap() must be used inside <PlantMap>')
  return api
}
