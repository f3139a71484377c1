// Builds the "sensors" overlay: one circle marker per monitored point at its x/y (metres),
// coloured by state. Markers are updated in place (colour, tooltip) as live values arrive, so a
// frame of values does not rebuild the layer.
import * as L from 'leaflet'
import { toLatLng } from './areaLayer'
import './sensorLayer.css'

export interface SensorMarker {
  id: number
  /** metres east / north of the site origin */
  x: number
  y: number
  colour: string
  /** true while an alarm is unacknowledged: the marker pulses */
  alerting?: boolean
  /** tooltip lines: the first is shown bold; built with textContent (never parsed as HTML) */
  lines: string[]
}

export interface SensorLayer {
  layer: L.FeatureGroup
  update(markers: SensorMarker[]): void
}

function tooltipContent(lines: string[]): HTMLElement {
  const root = document.createElement('div')
  root.className = 'sensor-tooltip'
  lines.forEach((text, i) => {
    const line = document.createElement(i === 0 ? 'strong' : 'div')
    line.textContent = text
    root.append(line)
  })
  return root
}

// markers get their own pane above the areas (overlayPane, z 400) so area fills never cover them
const PANE = 'anguan-sensors'

function style(m: SensorMarker): L.CircleMarkerOptions {
  return {
    pane: PANE,
    radius: m.alerting ? 7 : 5,
    color: '#ffffff',
    weight: 2,
    fillColor: m.colour,
    fillOpacity: 1,
    className: m.alerting ? 'sensor-marker sensor-alerting' : 'sensor-marker',
  }
}

export function createSensorLayer(onClick?: (id: number) => void): SensorLayer {
  const layer = L.featureGroup()
  layer.beforeAdd = (map: L.Map) => {
    if (!map.getPane(PANE)) map.createPane(PANE).style.zIndex = '450'
    return layer
  }
  const markers = new Map<number, { marker: L.CircleMarker; key: string }>()

  function update(list: SensorMarker[]): void {
    const seen = new Set<number>()
    for (const m of list) {
      seen.add(m.id)
      const key = `${m.x},${m.y},${m.colour},${m.alerting ? 1 : 0},${m.lines.join('\n')}`
      const existing = markers.get(m.id)
      if (existing) {
        if (existing.key === key) continue
        existing.marker.setLatLng(toLatLng([m.x, m.y]))
        existing.marker.setStyle(style(m))
        // Leaflet sets className only at creation: toggle the pulse class on the SVG path
        existing.marker.getElement()?.classList.toggle('sensor-alerting', !!m.alerting)
        existing.marker.setTooltipContent(tooltipContent(m.lines))
        existing.key = key
        continue
      }
      const marker = L.circleMarker(toLatLng([m.x, m.y]), style(m))
      marker.bindTooltip(tooltipContent(m.lines), { direction: 'top', offset: [0, -6] })
      if (onClick) marker.on('click', () => onClick(m.id))
      layer.addLayer(marker)
      markers.set(m.id, { marker, key })
    }
    for (const [id, entry] of markers) {
      if (seen.has(id)) continue
      layer.removeLayer(entry.marker)
      markers.delete(id)
    }
  }

  return { layer, update }
}
