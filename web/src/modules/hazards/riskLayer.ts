// The "risk colours" overlay of the plant map: each unit's area filled in its colour (红橙黄蓝),
// recoloured in place when a colour changes, the selected unit outlined. Coordinates are metres.
import * as L from 'leaflet'
import type { AreaShape } from '@/components/map/areaFeatures'
import { toLatLng } from '@/components/map/areaLayer'
import { COLOUR_HEX } from './risk'
import type { Colour } from './types'

export interface RiskShape {
  unitId: number
  colour: Colour
  /** tooltip lines: the first is bold; built with textContent (never parsed as HTML) */
  lines: string[]
  shapes: AreaShape[]
}

export interface RiskLayer {
  layer: L.FeatureGroup
  update(list: RiskShape[], selected: number | null): void
  boundsOf(unitId: number): L.LatLngBounds | null
}

function tooltip(lines: string[]): HTMLElement {
  const root = document.createElement('div')
  lines.forEach((text, i) => {
    const line = document.createElement(i === 0 ? 'strong' : 'div')
    line.textContent = text
    root.append(line)
  })
  return root
}

function style(colour: Colour, selected: boolean): L.PathOptions {
  return {
    color: selected ? '#303133' : COLOUR_HEX[colour],
    weight: selected ? 3 : 2,
    fillColor: COLOUR_HEX[colour],
    fillOpacity: selected ? 0.7 : 0.55,
    className: `risk-area risk-${colour}`,
  }
}

export function createRiskLayer(onClick: (unitId: number) => void): RiskLayer {
  const layer = L.featureGroup()
  const entries = new Map<number, { polygons: L.Polygon[]; key: string; colour: Colour }>()

  function update(list: RiskShape[], selected: number | null): void {
    const seen = new Set<number>()
    for (const item of list) {
      seen.add(item.unitId)
      const isSelected = item.unitId === selected
      const key = `${item.colour}|${isSelected ? 1 : 0}|${item.lines.join('\n')}|${item.shapes.map((s) => s.id).join(',')}`
      const existing = entries.get(item.unitId)
      if (existing?.key === key) continue
      if (existing && existing.polygons.length === item.shapes.length) {
        for (const p of existing.polygons) {
          p.setStyle(style(item.colour, isSelected))
          // Leaflet sets className at creation only: keep the colour class on the SVG path for tests
          const el = p.getElement()
          if (el) {
            el.classList.remove(`risk-${existing.colour}`)
            el.classList.add(`risk-${item.colour}`)
            el.setAttribute('data-colour', item.colour)
          }
          p.setTooltipContent(tooltip(item.lines))
          if (isSelected) p.bringToFront()
        }
        existing.key = key
        existing.colour = item.colour
        continue
      }
      existing?.polygons.forEach((p) => layer.removeLayer(p))
      const polygons = item.shapes.map((shape) => {
        const p = L.polygon(
          shape.rings.map((ring) => ring.map(toLatLng)),
          style(item.colour, isSelected),
        )
        p.bindTooltip(tooltip(item.lines), { sticky: true })
        p.on('click', () => onClick(item.unitId))
        p.on('add', () => {
          const el = p.getElement()
          el?.setAttribute('data-unit', String(item.unitId))
          el?.setAttribute('data-colour', entries.get(item.unitId)?.colour ?? item.colour)
        })
        layer.addLayer(p)
        return p
      })
      entries.set(item.unitId, { polygons, key, colour: item.colour })
    }
    for (const [id, entry] of entries) {
      if (seen.has(id)) continue
      entry.polygons.forEach((p) => layer.removeLayer(p))
      entries.delete(id)
    }
  }

  function boundsOf(unitId: number): L.LatLngBounds | null {
    const polygons = entries.get(unitId)?.polygons ?? []
    if (!polygons.length) return null
    const bounds = L.latLngBounds([])
    for (const p of polygons) bounds.extend(p.getBounds())
    return bounds
  }

  return { layer, update, boundsOf }
}
