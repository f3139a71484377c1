// Builds the "areas" overlay from parsed area shapes (coordinates in metres: [x east, y north]).
import * as L from 'leaflet'
import type { AreaInfo, AreaShape } from './areaFeatures'
import { areaKindColour } from './areaKinds'

export interface AreaLayerOptions {
  kindLabel: (kind: string) => string
  onClick?: (area: AreaInfo) => void
}

/** [x, y] metres → Leaflet LatLng in CRS.Simple (lat = y, lng = x). */
export function toLatLng(point: number[]): L.LatLng {
  return L.latLng(point[1] ?? 0, point[0] ?? 0)
}

function tooltipContent(area: AreaInfo, kindLabel: string): HTMLElement {
  // built with textContent: names come from users and must not be parsed as HTML
  const root = document.createElement('div')
  const name = document.createElement('strong')
  name.textContent = area.name
  const kind = document.createElement('div')
  kind.textContent = kindLabel
  root.append(name, kind)
  return root
}

export function buildAreaLayer(areas: AreaShape[], options: AreaLayerOptions): L.FeatureGroup {
  const group = L.featureGroup()
  for (const area of areas) {
    const { rings: shape, ...props } = area
    const colour = props.colour || areaKindColour(props.kind)
    const rings = shape.map((ring) => ring.map(toLatLng))
    const polygon = L.polygon(rings, {
      color: colour,
      weight: 1.5,
      fillColor: colour,
      fillOpacity: 0.25,
    })
    polygon.bindTooltip(tooltipContent(props, options.kindLabel(props.kind)), { sticky: true })
    polygon.on('mouseover', () => polygon.setStyle({ fillOpacity: 0.45 }))
    polygon.on('mouseout', () => polygon.setStyle({ fillOpacity: 0.25 }))
    if (options.onClick) {
      const onClick = options.onClick
      polygon.on('click', () => onClick(props))
    }
    group.addLayer(polygon)
  }
  return group
}
