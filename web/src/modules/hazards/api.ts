// Major-hazard endpoints (/api/v1/hazards): identification units, substances, assessments and their
// sheets, risk colours and warnings, 包保 heads, task lists, tasks and the performance report.
import { API_BASE, http } from '@/api/http'
import type {
  Assessment,
  CloseBody,
  CompleteBody,
  Duty,
  DutyAssign,
  FileInfo,
  ReportRow,
  Risk,
  Substance,
  SubstanceCreate,
  SubstanceUpdate,
  Task,
  TaskQuery,
  Template,
  TemplateBody,
  Unit,
  UnitCreate,
  UnitQuery,
  UnitUpdate,
  Warning,
  WarningQuery,
} from './types'

const BASE = '/hazards'

export const hazardsApi = {
  // identification units (辨识单元) and their substances
  units: (query: UnitQuery = {}) => http.get<Unit[]>(`${BASE}/units`, { ...query }),
  unit: (id: number) => http.get<Unit>(`${BASE}/units/${id}`),
  createUnit: (body: UnitCreate) => http.post<Unit>(`${BASE}/units`, body),
  updateUnit: (id: number, body: UnitUpdate) => http.patch<Unit>(`${BASE}/units/${id}`, body),
  substances: (unitId: number) => http.get<Substance[]>(`${BASE}/units/${unitId}/substances`),
  addSubstance: (unitId: number, body: SubstanceCreate) =>
    http.post<Substance>(`${BASE}/units/${unitId}/substances`, body),
  updateSubstance: (id: number, body: SubstanceUpdate) => http.patch<Substance>(`${BASE}/substances/${id}`, body),
  deleteSubstance: (id: number) => http.delete(`${BASE}/substances/${id}`),

  // identification and grading (辨识分级)
  assess: (unitId: number) => http.post<Assessment>(`${BASE}/units/${unitId}/assess`),
  assessments: (unitId: number) => http.get<Assessment[]>(`${BASE}/units/${unitId}/assessments`),
  assessment: (id: number) => http.get<Assessment>(`${BASE}/assessments/${id}`),
  sheetUrl: (id: number) => `${API_BASE}${BASE}/assessments/${id}/sheet.xlsx`,
  review: (id: number, note: string) => http.post<Assessment>(`${BASE}/assessments/${id}/review`, { note }),

  // risk colours (风险四色) and warnings (预警)
  risk: () => http.get<Risk[]>(`${BASE}/risk`),
  warnings: (query: WarningQuery = {}) => http.get<Warning[]>(`${BASE}/warnings`, { ...query }),
  closeWarning: (id: number, body: CloseBody) => http.post<Warning>(`${BASE}/warnings/${id}/close`, body),

  // 包保 (safety-responsibility guarantee)
  duties: (unitId: number) => http.get<Duty[]>(`${BASE}/units/${unitId}/duties`),
  assign: (unitId: number, body: DutyAssign) => http.put<Duty>(`${BASE}/units/${unitId}/duties`, body),
  templates: () => http.get<Template[]>(`${BASE}/duty-templates`),
  saveTemplate: (body: TemplateBody) => http.put<Template>(`${BASE}/duty-templates`, body),
  tasks: (query: TaskQuery = {}) => http.get<Task[]>(`${BASE}/tasks`, { ...query }),
  complete: (id: number, body: CompleteBody) => http.post<Task>(`${BASE}/tasks/${id}/complete`, body),
  report: (from: string, to: string) => http.get<ReportRow[]>(`${BASE}/duty-report`, { from, to }),
  /** same-origin URL of a task's photo (the browser sends the session cookie; any reader of the task) */
  taskPhotoUrl: (taskId: number, fileId: number) => `${API_BASE}${BASE}/tasks/${taskId}/photos/${fileId}`,

  /** evidence photo to the file store (POST /files); its id goes into the completion */
  uploadPhoto: (file: File) => {
    const form = new FormData()
    form.append('file', file)
    return http.post<FileInfo>('/files', form)
  },
}
