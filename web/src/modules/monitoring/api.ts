// Monitoring endpoints (/api/v1/monitoring): points, alarms, live snapshot and board, trends, KPIs.
import { API_BASE, http, type Query } from '@/api/http'
import type {
  AlarmEventPage,
  AlarmPage,
  AlarmQuery,
  AlarmView,
  Board,
  BulkAckResult,
  ImportMode,
  ImportReport,
  Kpi,
  MonitoringStatus,
  Point,
  PointPage,
  PointQuery,
  PointUpdate,
  Rejects,
  Snapshot,
  Trend,
} from './types'

const BASE = '/monitoring'

/** Same-origin URL of a file endpoint (downloads go through the browser with the session cookie). */
function fileUrl(path: string, query: Query = {}): string {
  const search = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') search.append(key, String(value))
  }
  const qs = search.toString()
  return `${API_BASE}${BASE}${path}${qs ? `?${qs}` : ''}`
}

export interface TrendRange {
  pointIds: number[]
  start: string
  end: string
}

export const monitoringApi = {
  // points (位号)
  points: (query: PointQuery = {}) => http.get<PointPage>(`${BASE}/points`, { ...query }),
  point: (id: number) => http.get<Point>(`${BASE}/points/${id}`),
  updatePoint: (id: number, body: PointUpdate) => http.patch<Point>(`${BASE}/points/${id}`, body),
  templateUrl: () => fileUrl('/points/template.xlsx'),
  exportUrl: () => fileUrl('/points/export.xlsx'),
  /** multipart upload; row problems come back in the report, a broken file is a 422 */
  importPoints: (file: File, mode: ImportMode) => {
    const form = new FormData()
    form.append('file', file)
    form.append('mode', mode)
    return http.post<ImportReport>(`${BASE}/points/import`, form)
  },

  // alarms (报警)
  alarms: (query: AlarmQuery = {}) => http.get<AlarmPage>(`${BASE}/alarms`, { ...query }),
  alarmEvents: (id: number, page = 1, pageSize = 50) =>
    http.get<AlarmEventPage>(`${BASE}/alarms/${id}/events`, { page, page_size: pageSize }),
  ack: (id: number, occurrence: number) => http.post<AlarmView>(`${BASE}/alarms/${id}/ack`, { occurrence }),
  ackMany: (ids: number[]) => http.post<BulkAckResult>(`${BASE}/alarms/ack`, { ids }),
  shelve: (id: number, reason: string, minutes: number) =>
    http.post<AlarmView>(`${BASE}/alarms/${id}/shelve`, { reason, minutes }),
  unshelve: (id: number) => http.post<AlarmView>(`${BASE}/alarms/${id}/unshelve`),
  outOfService: (id: number, reason: string) => http.post<AlarmView>(`${BASE}/alarms/${id}/oos`, { reason }),
  inService: (id: number) => http.post<AlarmView>(`${BASE}/alarms/${id}/in-service`),
  comment: (id: number, text: string) => http.post<AlarmView>(`${BASE}/alarms/${id}/comment`, { text }),

  // live views
  snapshot: (siteId?: number | null, areaId?: number | null) =>
    http.get<Snapshot>(`${BASE}/realtime/snapshot`, { site_id: siteId, area_id: areaId }),
  board: (siteId?: number | null, areaId?: number | null) =>
    http.get<Board>(`${BASE}/board`, { site_id: siteId, area_id: areaId }),
  status: (siteId?: number | null) => http.get<MonitoringStatus>(`${BASE}/status`, { site_id: siteId }),

  // historian (趋势)
  trend: (range: TrendRange, maxPoints: number, signal?: AbortSignal) =>
    http.get<Trend>(
      `${BASE}/trend`,
      { point_ids: range.pointIds.join(','), start: range.start, end: range.end, max_points: maxPoints },
      { signal },
    ),
  trendExportUrl: (range: TrendRange, format: 'csv' | 'xlsx') =>
    fileUrl('/trend/export', { point_ids: range.pointIds.join(','), start: range.start, end: range.end, format }),

  // alarm performance (报警绩效) and data quality
  kpi: (start: string, end: string, console?: string | null) =>
    http.get<Kpi>(`${BASE}/kpi`, { start, end, console }),
  rejects: (hours = 24) => http.get<Rejects>(`${BASE}/rejects`, { hours }),
}
