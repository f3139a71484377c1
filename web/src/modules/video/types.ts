// Video (视频智能分析) names for the generated OpenAPI types (the one place to fix when a schema is
// renamed). The backend returns kind and status as free strings; they are narrowed here to the
// vocabularies src/anguan/video/reference.py declares.
import { API_BASE } from '@/api/http'
import type { components, paths } from '@/api/generated/schema'

type Schemas = components['schemas']
type QueryOf<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } } ? NonNullable<Q> : never

export type Camera = Schemas['CameraOut']
export type CameraNear = Schemas['CameraNearOut']
export type CameraPage = Schemas['Page_CameraOut_']
export type CameraCreate = Schemas['CameraIn']
export type CameraUpdate = Schemas['CameraUpdate']
export type CameraKind = CameraCreate['kind']
export type CameraStatus = CameraCreate['status']
export type CameraQuery = QueryOf<'/api/v1/video/cameras'>
export type CameraNearQuery = QueryOf<'/api/v1/video/cameras/near'>

export const CAMERA_KINDS: CameraKind[] = ['fixed', 'dome', 'ptz', 'explosion_proof_fixed', 'explosion_proof_ptz', 'thermal']
export const CAMERA_STATUSES: CameraStatus[] = ['online', 'offline', 'maintenance']

/** A row of CameraList: what it shows of a camera (a full Camera or a module's own summary of one)
 * and, when the caller knows them, its distance in metres and whether its sector covers the point. */
export type CameraListItem = Pick<Camera, 'id' | 'code' | 'name' | 'status' | 'stream_url' | 'snapshot_url'> & {
  kind?: string
  distance_m?: number | null
  sees?: boolean
}

export function isCameraKind(value: string): value is CameraKind {
  return (CAMERA_KINDS as string[]).includes(value)
}

export function isCameraStatus(value: string): value is CameraStatus {
  return (CAMERA_STATUSES as string[]).includes(value)
}

const STREAM_SCHEMES = ['rtsp:', 'rtsps:', 'http:', 'https:']
const SNAPSHOT_SCHEMES = ['http:', 'https:']

function safeUrl(url: string | null | undefined, schemes: string[]): string | null {
  if (!url) return null
  try {
    return schemes.includes(new URL(url).protocol) ? url : null
  } catch {
    return null
  }
}

/** The live-view URL when its scheme is one the backend accepts (never a javascript: link). */
export function streamHref(camera: Pick<Camera, 'stream_url'>): string | null {
  return safeUrl(camera.stream_url, STREAM_SCHEMES)
}

/** The camera's still image, fetched by the server from its http(s) snapshot URL
 * (GET /video/cameras/{id}/snapshot: the page may load images from the site only). */
export function snapshotSrc(camera: Pick<Camera, 'id' | 'snapshot_url'>): string | null {
  return safeUrl(camera.snapshot_url, SNAPSHOT_SCHEMES) ? `${API_BASE}/video/cameras/${camera.id}/snapshot` : null
}
