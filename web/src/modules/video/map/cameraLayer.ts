// Builds the "cameras" overlay of the plant map: a small camera marker per camera at its x/y
// (metres), filled with its status colour, and a light translucent wedge for what a fixed camera
// sees (heading ± fov/2 out to its range; 0° = north (+y), clockwise, as src/anguan/video/rules.py).
// Markers and sectors live in panes of their own so `.leaflet-overlay-pane` keeps only the areas,
// and the sectors never take clicks meant for the areas under them.
import * as L from 'leaflet'
import { toLatLng } from '@/components/map/areaLayer'
import './cameraLayer.css'

export interface CameraMarker {
  id: number
  code: string
  name: string
  status: string
  colour: string
  /** metres east / north of the site origin */
  x: number
  y: number
  heading_deg: number | null
  fov_deg: number | null
  range_m: number | null
}

export interface CameraLayer {
  layer: L.FeatureGroup
  update(markers: CameraMarker[]): void
  latLngOf(id: number): L.LatLng | null
}

// sectors just above the areas (overlayPane, z 400) and below the sensors (450); markers above the
// sensors and below the permits (620), popups stay on Leaflet's popupPane (700)
const SECTOR_PANE = 'anguan-camera-sectors'
const MARKER_PANE = 'anguan-cameras'
// a step of at most 5° keeps a 90° arc smooth at any zoom the map allows
const ARC_STEP_DEG = 5

// Element Plus success / danger / warning, as CameraStatusTag
export const CAMERA_STATUS_COLOURS: Record<string, string> = {
  online: '#67c23a',
  offline: '#f56c6c',
  maintenance: '#e6a23c',
}
export const CAMERA_UNKNOWN_COLOUR = '#909399'

// A static camera glyph (no user data): body and lens.
const GLYPH =
  '<svg viewBox="0 0 24 24" width="14" height="14" aria-hidden="true" focusable="false">' +
  '<path fill="currentColor" d="M3 7h12a2 2 0 0 1 2 2v1.5l4-2.5v8l-4-2.5V15a2 2 0 0 1-2 2H3a2 2 0 0 1-2-2V9a2 2 0 0 1 2-2z"/>' +
  '</svg>'

/** The point `distance` metres from (x, y) towards `bearingDeg` (0 = north, clockwise), as [x, y]. */
export function pointAt(x: number, y: number, bearingDeg: number, distance: number): [number, number] {
  const r = (bearingDeg * Math.PI) / 180
  return [x + distance * Math.sin(r), y + distance * Math.cos(r)]
}

/** The outline of a camera's view sector in metres, or null when heading, fov or range is missing.
 * A field of view of 360° is a full circle (no apex). */
export function sectorOutline(m: Pick<CameraMarker, 'x' | 'y' | 'heading_deg' | 'fov_deg' | 'range_m'>): [number, number][] | null {
  if (m.heading_deg === null || m.fov_deg === null || m.range_m === null) return null
  if (m.range_m <= 0 || m.fov_deg <= 0) return null
  const fov = Math.min(m.fov_deg, 360)
  const steps = Math.max(2, Math.ceil(fov / ARC_STEP_DEG))
  const start = m.heading_deg - fov / 2
  const arc: [number, number][] = []
  // a full circle: the last step would repeat the first point
  const last = fov >= 360 ? steps - 1 : steps
  for (let i = 0; i <= last; i += 1) arc.push(pointAt(m.x, m.y, start + (fov * i) / steps, m.range_m))
  return fov >= 360 ? arc : [[m.x, m.y], ...arc]
}

function iconElement(m: CameraMarker): HTMLElement {
  const root = document.createElement('div')
  root.className = 'camera-marker'
  root.dataset.camera = String(m.id)
  root.dataset.code = m.code
  root.dataset.status = m.status
  root.style.background = m.colour
  root.innerHTML = GLYPH
  return root
}

function icon(m: CameraMarker): L.DivIcon {
  return L.divIcon({ html: iconElement(m), className: 'camera-marker-icon', iconSize: [22, 22], iconAnchor: [11, 11] })
}

function sectorStyle(m: CameraMarker): L.PolylineOptions {
  return {
    pane: SECTOR_PANE,
    interactive: false,
    color: m.colour,
    weight: 1,
    opacity: 0.6,
    dashArray: m.status === 'online' ? undefined : '4 4',
    fillColor: m.colour,
    fillOpacity: 0.12,
    className: 'camera-sector',
  }
}

export function createCameraLayer(onClick: (id: number, latLng: L.LatLng) => void): CameraLayer {
  const layer = L.featureGroup()
  layer.beforeAdd = (map: L.Map) => {
    if (!map.getPane(SECTOR_PANE)) map.createPane(SECTOR_PANE).style.zIndex = '410'
    if (!map.getPane(MARKER_PANE)) map.createPane(MARKER_PANE).style.zIndex = '610'
    return layer
  }
  const entries = new Map<number, { marker: L.Marker; sector: L.Polygon | null; key: string }>()

  function remove(id: number): void {
    const entry = entries.get(id)
    if (!entry) return
    layer.removeLayer(entry.marker)
    if (entry.sector) layer.removeLayer(entry.sector)
    entries.delete(id)
  }

  function update(list: CameraMarker[]): void {
    const seen = new Set<number>()
    for (const m of list) {
      seen.add(m.id)
      const key = JSON.stringify(m)
      if (entries.get(m.id)?.key === key) continue
      remove(m.id)
      const outline = sectorOutline(m)
      const sector = outline ? L.polygon(outline.map(toLatLng), sectorStyle(m)) : null
      if (sector) layer.addLayer(sector)
      const marker = L.marker(toLatLng([m.x, m.y]), {
        icon: icon(m),
        pane: MARKER_PANE,
        keyboard: true,
        riseOnHover: true,
        title: `${m.name} (${m.code})`,
        alt: m.name,
      })
      marker.on('click', () => onClick(m.id, marker.getLatLng()))
      layer.addLayer(marker)
      entries.set(m.id, { marker, sector, key })
    }
    for (const id of [...entries.keys()]) if (!seen.has(id)) remove(id)
  }

  function latLngOf(id: number): L.LatLng | null {
    return entries.get(id)?.marker.getLatLng() ?? null
  }

  return { layer, update, latLngOf }
}
