// How the registry and the plant map describe a camera in words (one place for both).
import { isCameraKind, type Camera } from './types'

type Translate = (key: string, named?: Record<string, unknown>) => string

const round = (v: number) => String(Math.round(v * 10) / 10)

/** The camera's kind in the UI language (an unknown kind as stored). */
export function cameraKindLabel(t: Translate, kind: string): string {
  return isCameraKind(kind) ? t(`video.kind.${kind}`) : kind
}

/** Where it stands and looks: "(146, 236) · 朝向 315° · 视场 90° · 可视 80 m" (or 全向 for a PTZ). */
export function cameraGeometry(t: Translate, c: Pick<Camera, 'x' | 'y' | 'heading_deg' | 'fov_deg' | 'range_m'>, withPosition = true): string {
  if (c.x === null || c.y === null) return t('video.camera.noPosition')
  const parts = withPosition ? [`(${round(c.x)}, ${round(c.y)})`] : []
  parts.push(
    c.heading_deg !== null && c.fov_deg !== null
      ? t('video.camera.sector', { h: round(c.heading_deg), f: round(c.fov_deg) })
      : t('video.camera.allRound'),
  )
  if (c.range_m !== null) parts.push(t('video.camera.rangeShort', { r: round(c.range_m) }))
  return parts.join(' · ')
}
