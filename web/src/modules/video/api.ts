// Video endpoints (/api/v1/video): the camera registry (摄像机台账) and the cameras near a place.
import { API_BASE, http, type Query } from '@/api/http'
import type { Camera, CameraCreate, CameraNear, CameraNearQuery, CameraPage, CameraQuery, CameraUpdate } from './types'

const BASE = '/video'

/** Same-origin URL of a file endpoint (downloads go through the browser with the session cookie). */
function fileUrl(path: string, query: Query = {}): string {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') search.append(key, String(value))
  }
  const qs = search.toString()
  return `${API_BASE}${BASE}${path}${qs ? `?${qs}` : ''}`
}

export const videoApi = {
  cameras: (query: CameraQuery = {}) => http.get<CameraPage>(`${BASE}/cameras`, { ...query }),
  camera: (id: number) => http.get<Camera>(`${BASE}/cameras/${id}`),
  /** cameras (in the caller's scope) within `radius_m` of a map point or whose sector covers it, nearest first */
  near: (query: CameraNearQuery) => http.get<CameraNear[]>(`${BASE}/cameras/near`, { ...query }),
  /** silent: the form shows the refusal at its field (CameraFormDialog) */
  create: (body: CameraCreate) => http.post<Camera>(`${BASE}/cameras`, body, { silent: true }),
  update: (id: number, body: CameraUpdate) => http.patch<Camera>(`${BASE}/cameras/${id}`, body, { silent: true }),
  remove: (id: number) => http.delete(`${BASE}/cameras/${id}`),
  exportUrl: (query: Pick<CameraQuery, 'site_id' | 'area_id' | 'status'> = {}) => fileUrl('/cameras/export.xlsx', { ...query }),
}
