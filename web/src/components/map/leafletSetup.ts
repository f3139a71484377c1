// One-time Leaflet fixes for bundlers: default marker icons resolved by Vite.
import * as L from 'leaflet'
import iconRetinaUrl from 'leaflet/dist/images/marker-icon-2x.png'
import iconUrl from 'leaflet/dist/images/marker-icon.png'
import shadowUrl from 'leaflet/dist/images/marker-shadow.png'

let done = false

export function setupLeaflet(): void {
  if (done) return
  done = true
  // a string imagePath stops Leaflet from guessing the path from CSS (which breaks hashed assets)
  L.Icon.Default.imagePath = ''
  L.Icon.Default.mergeOptions({ iconUrl, iconRetinaUrl, shadowUrl })
  guardRemovedMap()
}

// Leaflet 1.9 finishes a zoom animation on a timer; when the page leaves (the map is removed) during
// the animation, the timer reads the removed map pane and throws "reading '_leaflet_pos'". A removed
// map has no `_mapPane`: its late callbacks then do nothing.
type MapInternals = {
  _mapPane?: HTMLElement
  _onZoomTransitionEnd: (...args: unknown[]) => unknown
  _getMapPanePos: () => L.Point
}

function guardRemovedMap(): void {
  const proto = L.Map.prototype as unknown as MapInternals
  const onZoomEnd = proto._onZoomTransitionEnd
  proto._onZoomTransitionEnd = function (this: MapInternals, ...args: unknown[]) {
    if (!this._mapPane) return undefined
    return onZoomEnd.apply(this, args)
  }
  const panePos = proto._getMapPanePos
  proto._getMapPanePos = function (this: MapInternals) {
    return this._mapPane ? panePos.apply(this) : L.point(0, 0)
  }
}
