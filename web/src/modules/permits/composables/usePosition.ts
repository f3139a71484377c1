// Where the signer stands, for the on-site rules (GB 30871-2022 §4.11; AQ 3064.2-2025 §5.5.2): the
// phone's fix (WGS-84 lat/lon) when the browser gives one, else plant x/y typed in. Tests inject a
// position with `?pos=x,y` in the page address or `window.__anguanPosition = {x, y}` (or {lat, lon}).
import { reactive, watch } from 'vue'
import type { ReportedPosition } from '../types'

declare global {
  interface Window {
    __anguanPosition?: ReportedPosition
  }
}

export type PositionState = 'idle' | 'locating' | 'ok' | 'denied' | 'manual' | 'injected'

function num(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN
  return Number.isFinite(n) ? n : null
}

function injected(): ReportedPosition | null {
  const w = window.__anguanPosition
  if (w && ((num(w.x) !== null && num(w.y) !== null) || (num(w.lat) !== null && num(w.lon) !== null))) {
    return { x: num(w.x), y: num(w.y), lat: num(w.lat), lon: num(w.lon) }
  }
  const pos = new URLSearchParams(window.location.search).get('pos')
  if (pos) {
    const [x, y] = pos.split(',').map(num)
    if (x !== null && x !== undefined && y !== null && y !== undefined) return { x, y }
  }
  return null
}

export function usePosition() {
  const position = reactive({
    state: 'idle' as PositionState,
    lat: null as number | null,
    lon: null as number | null,
    accuracy: 0,
    x: null as number | null,
    y: null as number | null,
  })

  function reset(): void {
    Object.assign(position, { state: 'idle', lat: null, lon: null, accuracy: 0, x: null, y: null })
  }

  function locate(): void {
    const given = injected()
    if (given) {
      Object.assign(position, { state: 'injected', x: given.x ?? null, y: given.y ?? null, lat: given.lat ?? null, lon: given.lon ?? null, accuracy: 0 })
      return
    }
    if (!('geolocation' in navigator)) {
      position.state = 'denied'
      return
    }
    position.state = 'locating'
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        if (position.state !== 'locating') return
        Object.assign(position, {
          state: 'ok',
          lat: pos.coords.latitude,
          lon: pos.coords.longitude,
          accuracy: Math.round(pos.coords.accuracy),
        })
      },
      () => {
        if (position.state === 'locating') position.state = 'denied'
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 30000 },
    )
  }

  function manual(): void {
    position.state = 'manual'
  }

  /** What goes with the action (nothing when no position is known). */
  function reported(): ReportedPosition {
    if (position.state === 'ok') return { lat: position.lat, lon: position.lon }
    if (position.state === 'manual' || position.state === 'injected') {
      if (position.x !== null && position.y !== null) return { x: position.x, y: position.y }
      if (position.lat !== null && position.lon !== null) return { lat: position.lat, lon: position.lon }
    }
    return {}
  }

  function known(): boolean {
    const r = reported()
    return (r.x != null && r.y != null) || (r.lat != null && r.lon != null)
  }

  /** Locate now and wait for the answer: the position to report, or null when none is known. */
  function fix(): Promise<ReportedPosition | null> {
    locate()
    if (position.state !== 'locating') return Promise.resolve(known() ? reported() : null)
    return new Promise((resolve) => {
      const stop = watch(
        () => position.state,
        (state) => {
          if (state === 'locating') return
          stop()
          resolve(known() ? reported() : null)
        },
      )
    })
  }

  return { position, reset, locate, manual, reported, known, fix }
}
