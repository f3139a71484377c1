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
}
