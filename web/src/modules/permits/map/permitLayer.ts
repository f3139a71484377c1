// The "permits" overlay of the plant map: one round marker per permit at its work point (x/y metres),
// filled with its state's colour and marked with its work type, a red badge with the number of open
// work alarms; a permit without a point sits at its area's centre with a dashed ring. Updated in place.
// Marker content is built with textContent (numbers and places are never parsed as HTML).
import * as L from 'leaflet'
import { toLatLng } from '@/components/map/areaLayer'
import './permitLayer.css'

export interface PermitMarker {
  id: number
  x: number
  y: number
  state: string
  colour: string
  /** one character for the work type (火, 限, 高 …) */
  glyph: string
  openAlarms: number
  /** placed at the area's centre: the permit has no work point */
  approximate: boolean
  /** tooltip lines: the first is shown bold */
  lines: string[]
}

export interface PermitLayer {
  layer: L.FeatureGroup
  update(markers: PermitMarker[]): void
  latLngOf(id: number): L.LatLng | null
}

// above the areas (overlayPane, z 400) and the sensors (450)
const PANE = 'anguan-permits'

function iconElement(m: PermitMarker): HTMLElement {
  const root = document.createElement('div')
  root.className = `permit-marker${m.approximate ? ' approximate' : ''}${m.state === 'in_progress' ? ' live' : ''}`
  root.dataset.permit = String(m.id)
  root.dataset.state = m.state
  root.style.background = m.colour
  root.style.setProperty('--permit-colour', m.colour)
  const glyph = document.createElement('span')
  glyph.className = 'glyph'
  glyph.textContent = m.glyph
  root.append(glyph)
  if (m.openAlarms > 0) {
    const badge = document.createElement('span')
    badge.className = 'alarm-badge'
    badge.textContent = String(m.openAlarms)
    root.append(badge)
  }
  return root
}

function tooltipContent(lines: string[]): HTMLElement {
  const root = document.createElement('div')
  root.className = 'permit-tooltip'
  lines.forEach((text, i) => {
    const line = document.createElement(i === 0 ? 'strong' : 'div')
    line.textContent = text
    root.append(line)
  })
  return root
}

function icon(m: PermitMarker): L.DivIcon {
  return L.divIcon({ html: iconElement(m), className: 'permit-marker-icon', iconSize: [26, 26], iconAnchor: [13, 13] })
}

export function createPermitLayer(onClick: (id: number) => void): PermitLayer {
  const layer = L.featureGroup()
  layer.beforeAdd = (map: L.Map) => {
    if (!map.getPane(PANE)) map.createPane(PANE).style.zIndex = '620'
    return layer
  }
  const markers = new Map<number, { marker: L.Marker; key: string }>()

  function update(list: PermitMarker[]): void {
    const seen = new Set<number>()
    for (const m of list) {
      seen.add(m.id)
      const key = JSON.stringify(m)
      const existing = markers.get(m.id)
      if (existing) {
        if (existing.key === key) continue
        existing.marker.setLatLng(toLatLng([m.x, m.y]))
        existing.marker.setIcon(icon(m))
        existing.marker.setTooltipContent(tooltipContent(m.lines))
        existing.key = key
        continue
      }
      const marker = L.marker(toLatLng([m.x, m.y]), { icon: icon(m), pane: PANE, keyboard: true, riseOnHover: true })
      marker.bindTooltip(tooltipContent(m.lines), { direction: 'top', offset: [0, -12] })
      marker.on('click', () => onClick(m.id))
      layer.addLayer(marker)
      markers.set(m.id, { marker, key })
    }
    for (const [id, entry] of markers) {
      if (seen.has(id)) continue
      layer.removeLayer(entry.marker)
      markers.delete(id)
    }
  }

  function latLngOf(id: number): L.LatLng | null {
    return markers.get(id)?.marker.getLatLng() ?? null
  }

  return { layer, update, latLngOf }
}
