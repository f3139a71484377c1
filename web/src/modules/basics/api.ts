// Safety master data endpoints (/api/v1/basics): register metadata and rows, Excel template /
// import / export, attachments, completeness, reminders, interlock bypasses, eligibility,
// self-diagnosis and settings.
import { API_BASE, http, type QueryValue } from '@/api/http'
import type {
  BasicsSettings,
  BasicsSettingsIn,
  Bypass,
  BypassAction,
  BypassPage,
  BypassQuery,
  BypassRequest,
  BypassStatus,
  BypassTimelineEntry,
  Completeness,
  Diagnosis,
  DueFilter,
  EligibilityAnswer,
  EligibilityQuery,
  FileInfo,
  ImportMode,
  ImportReport,
  RegisterMeta,
  RegisterRow,
  Reminder,
  ReminderQuery,
  ReminderSummaryOut,
  RowPage,
  Values,
} from './types'

const BASE = '/basics'

/** The list query of a register; `filters` become repeated `filter=field:value` parameters. */
export interface RowQuery {
  page?: number
  page_size?: number
  sort?: string
  q?: string
  due?: DueFilter | ''
  incomplete?: boolean
  filters?: Record<string, QueryValue>
}

/** A query string with repeated keys; empty values are left out. */
function search(pairs: [string, QueryValue][]): string {
  const out = new URLSearchParams()
  for (const [key, value] of pairs) {
    if (value !== undefined && value !== null && value !== '') out.append(key, String(value))
  }
  const qs = out.toString()
  return qs ? `?${qs}` : ''
}

function rowPairs(query: RowQuery): [string, QueryValue][] {
  const pairs: [string, QueryValue][] = [
    ['page', query.page],
    ['page_size', query.page_size],
    ['sort', query.sort],
    ['q', query.q],
    ['due', query.due],
    ['incomplete', query.incomplete ? 'true' : undefined],
  ]
  for (const [field, value] of Object.entries(query.filters ?? {})) {
    if (value !== undefined && value !== null && value !== '') pairs.push(['filter', `${field}:${value}`])
  }
  return pairs
}

const reg = (register: string) => `${BASE}/r/${encodeURIComponent(register)}`

export const basicsApi = {
  // registers (台账)
  registers: () => http.get<RegisterMeta[]>(`${BASE}/registers`),
  rows: (register: string, query: RowQuery = {}, signal?: AbortSignal) =>
    http.get<RowPage>(`${reg(register)}${search(rowPairs(query))}`, undefined, { signal }),
  row: (register: string, id: number) => http.get<RegisterRow>(`${reg(register)}/${id}`),
  create: (register: string, values: Values) => http.post<RegisterRow>(reg(register), values, { silent: true }),
  update: (register: string, id: number, values: Values, silent = true) =>
    http.patch<RegisterRow>(`${reg(register)}/${id}`, values, { silent }),
  remove: (register: string, id: number) => http.delete(`${reg(register)}/${id}`),

  // Excel
  templateUrl: (register: string) => `${API_BASE}${reg(register)}/template.xlsx`,
  exportUrl: (register: string, query: RowQuery = {}) =>
    `${API_BASE}${reg(register)}/export.xlsx${search(rowPairs({ ...query, page: undefined, page_size: undefined }))}`,
  /** multipart upload; row problems come back in the report, a broken file is a 422 */
  importRows: (register: string, file: File, mode: ImportMode) => {
    const form = new FormData()
    form.append('file', file)
    return http.post<ImportReport>(`${reg(register)}/import${search([['mode', mode]])}`, form)
  },

  // attachments: upload to the file store, then link the ids through the record's files field
  uploadFile: (file: File) => {
    const form = new FormData()
    form.append('file', file)
    return http.post<FileInfo>('/files', form)
  },
  attachmentUrl: (register: string, id: number, fileId: number) =>
    `${API_BASE}${reg(register)}/${id}/files/${fileId}`,

  completeness: () => http.get<Completeness[]>(`${BASE}/completeness`),

  // reminder centre (提醒中心)
  reminders: (query: ReminderQuery = {}) => http.get<Reminder[]>(`${BASE}/reminders`, { ...query }),
  reminderSummary: () => http.get<ReminderSummaryOut>(`${BASE}/reminders/summary`),
  reminderExportUrl: (query: ReminderQuery = {}) =>
    `${API_BASE}${BASE}/reminders/export.xlsx${search(Object.entries(query) as [string, QueryValue][])}`,

  // interlock bypasses (联锁旁路)
  bypasses: (query: BypassQuery = {}) =>
    http.get<BypassPage>(`${BASE}/bypasses`, { ...query }),
  bypass: (id: number) => http.get<Bypass>(`${BASE}/bypasses/${id}`),
  bypassTimeline: (id: number) => http.get<BypassTimelineEntry[]>(`${BASE}/bypasses/${id}/timeline`),
  requestBypass: (body: BypassRequest) => http.post<Bypass>(`${BASE}/bypasses`, body),
  bypassAction: (id: number, action: BypassAction, body: Record<string, unknown> | null = null) =>
    http.post<Bypass>(`${BASE}/bypasses/${id}/${action}`, body ?? undefined),
  bypassExportUrl: (status?: BypassStatus) => `${API_BASE}${BASE}/bypasses/export.xlsx${search([['status', status]])}`,

  // work eligibility (作业资格) and self-diagnosis (合规自诊断)
  eligibility: (query: EligibilityQuery) =>
    http.get<EligibilityAnswer>(`${BASE}/eligibility`, { ...query }),
  diagnosis: () => http.get<Diagnosis>(`${BASE}/diagnosis`),
  settings: () => http.get<BasicsSettings>(`${BASE}/settings`),
  saveSettings: (body: BasicsSettingsIn) => http.put<BasicsSettings>(`${BASE}/settings`, body),
}
