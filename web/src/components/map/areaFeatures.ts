// Parses the loosely typed area GeoJSON of /plant/sites/{id}/map into typed view objects.
import type { FeatureCollection } from '@/api/types'

export interface AreaInfo {
  id: number
  code: string
  name: string
  kind: string
  colour: string | null
}

export interface AreaShape extends AreaInfo {
  /** Polygon rings of [x, y] points in metres (x east, y north) */
  rings: number[][][]
}

function isPoint(value: unknown): value is number[] {
  return Array.isArray(value) && value.length >= 2 && value.every((n) => typeof n === 'number')
}

function isRing(value: unknown): value is number[][] {
  return Array.isArray(value) && value.every(isPoint)
}

function str(value: unknown, fallback = ''): string {
  return typeof value === 'string' ? value : fallback
}

/** Polygon (and MultiPolygon, flattened) features with an id; others are skipped. */
export function parseAreas(collection: FeatureCollection | null | undefined): AreaShape[] {
  const out: AreaShape[] = []
  for (const feature of collection?.features ?? []) {
    const { geometry: g, properties: p } = feature
    if (typeof p.id !== 'number') continue
    const info: AreaInfo = {
      id: p.id,
      code: str(p.code),
      name: str(p.name, str(p.code)),
      kind: str(p.kind, 'other'),
      colour: typeof p.colour === 'string' && p.colour ? p.colour : null,
    }
    const coords = g.coordinates
    if (g.type === 'Polygon' && Array.isArray(coords) && coords.every(isRing)) {
      out.push({ ...info, rings: coords })
    } else if (g.type === 'MultiPolygon' && Array.isArray(coords)) {
      for (const polygon of coords) {
        if (Array.isArray(polygon) && polygon.every(isRing)) out.push({ ...info, rings: polygon })
      }
    }
  }
  return out
}

const BASE_AREA_COLOUR = '#a8abb2'

/** The areas all in one grey: the plant's outlines under a page's own layer (risk colours, permits). */
export function greyAreas(collection: FeatureCollection | null | undefined): FeatureCollection | null {
  if (!collection) return null
  return {
    ...collection,
    features: collection.features.map((f) => ({ ...f, properties: { ...f.properties, colour: BASE_AREA_COLOUR } })),
  }
}
