// Evaluation reports (评价评估报告) and supervision findings (督导检查问题, 三录入) of major hazard
// sources (/api/v1/hazards/reports, /findings; hazards/reports_api.py). Attachments go to the file
// store first (POST /files) and their ids into the record; downloads are same-origin URLs (the
// browser sends the session cookie).
import { API_BASE, http, type Query, type RequestOptions } from '@/api/http'
import type {
  FeedbackBody,
  FileInfo,
  FindingCreate,
  FindingDetail,
  Finding,
  FindingOptions,
  FindingQuery,
  FindingReviewBody,
  FindingUpdate,
  RectifyBody,
  Report,
  ReportCreate,
  ReportKind,
  ReportQuery,
  ReportUpdate,
} from './types'

const BASE = '/hazards'

function search(query: Query): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.append(key, String(value))
  }
  const qs = params.toString()
  return qs ? `?${qs}` : ''
}

export const recordsApi = {
  // evaluation reports
  reportKinds: () => http.get<ReportKind[]>(`${BASE}/report-kinds`),
  reports: (query: ReportQuery = {}) => http.get<Report[]>(`${BASE}/reports`, { ...query }),
  report: (id: number) => http.get<Report>(`${BASE}/reports/${id}`),
  createReport: (body: ReportCreate) => http.post<Report>(`${BASE}/reports`, body),
  updateReport: (id: number, body: ReportUpdate) => http.patch<Report>(`${BASE}/reports/${id}`, body),
  deleteReport: (id: number) => http.delete(`${BASE}/reports/${id}`),
  reportFileUrl: (reportId: number, fileId: number) => `${API_BASE}${BASE}/reports/${reportId}/files/${fileId}`,

  // supervision findings: 1 问题录入, 整改反馈, 2 整改录入, 3 复核录入
  findingOptions: () => http.get<FindingOptions>(`${BASE}/finding-options`),
  findings: (query: FindingQuery = {}) => http.get<Finding[]>(`${BASE}/findings`, { ...query }),
  finding: (id: number) => http.get<FindingDetail>(`${BASE}/findings/${id}`),
  createFinding: (body: FindingCreate) => http.post<FindingDetail>(`${BASE}/findings`, body),
  updateFinding: (id: number, body: FindingUpdate) => http.patch<FindingDetail>(`${BASE}/findings/${id}`, body),
  feedback: (id: number, body: FeedbackBody) => http.post<FindingDetail>(`${BASE}/findings/${id}/feedback`, body),
  rectify: (id: number, body: RectifyBody) => http.post<FindingDetail>(`${BASE}/findings/${id}/rectify`, body),
  /** the caller renders the error (a reviewer may not review their own rectification) */
  review: (id: number, body: FindingReviewBody, options: RequestOptions = {}) =>
    http.post<FindingDetail>(`${BASE}/findings/${id}/review`, body, options),
  findingFileUrl: (findingId: number, fileId: number) => `${API_BASE}${BASE}/findings/${findingId}/files/${fileId}`,
  findingsExportUrl: (query: Omit<FindingQuery, 'report_id'> = {}) =>
    `${API_BASE}${BASE}/findings/export.xlsx${search({ ...query })}`,

  /** an attachment to the file store (POST /files); its id goes into the record */
  upload: (file: File) => {
    const form = new FormData()
    form.append('file', file)
    return http.post<FileInfo>('/files', form)
  },
}
