// Special-work permit endpoints (/api/v1/permits): reference data, the ledger, a permit and its content
// (people, links, analysis, measures, briefing), gas analyses, life-cycle actions with on-site
// signatures, the confined-space register and work alarms. Contractors come from the basics register.
import { API_BASE, http } from '@/api/http'
import type { components } from '@/api/generated/schema'
import type {
  ActionBody,
  ActionName,
  ActionResult,
  AnalysisBody,
  EntryBody,
  GasTestBody,
  HandleBody,
  MeasuresBody,
  PeopleBody,
  PermitCreate,
  PermitDetail,
  PermitPage,
  PermitQuery,
  Reference,
  WorkAlarm,
} from './types'

type FileInfo = components['schemas']['FileOut']
type RowPage = components['schemas']['Page_RowOut_']

const BASE = '/permits'
/** Errors the page renders itself (inline or in the blocked panel): no toast. */
const SILENT = { silent: true }

export const permitsApi = {
  reference: () => http.get<Reference>(`${BASE}/reference`),
  list: (query: PermitQuery = {}) => http.get<PermitPage>(BASE, { ...query }),
  get: (id: number) => http.get<PermitDetail>(`${BASE}/${id}`),
  create: (body: PermitCreate) => http.post<PermitDetail>(BASE, body, SILENT),

  setPeople: (id: number, body: PeopleBody) => http.put<PermitDetail>(`${BASE}/${id}/people`, body),
  link: (id: number, permitId: number) => http.post<PermitDetail>(`${BASE}/${id}/links`, { permit_id: permitId }),
  setAnalysis: (id: number, body: AnalysisBody) => http.put<PermitDetail>(`${BASE}/${id}/analysis`, body),
  confirmMeasures: (id: number, body: MeasuresBody) => http.put<PermitDetail>(`${BASE}/${id}/measures`, body),
  briefing: (id: number) => http.post<PermitDetail>(`${BASE}/${id}/briefing`),
  addGasTest: (id: number, body: GasTestBody) => http.post<PermitDetail>(`${BASE}/${id}/gas-tests`, body, SILENT),
  act: (id: number, action: ActionName, body: ActionBody = {}) =>
    http.post<ActionResult>(`${BASE}/${id}/actions/${action}`, body, SILENT),
  enter: (id: number, body: EntryBody) => http.post<PermitDetail>(`${BASE}/${id}/entries`, body),
  leave: (id: number, entryId: number) => http.post<PermitDetail>(`${BASE}/${id}/entries/${entryId}/exit`),

  openAlarms: () => http.get<WorkAlarm[]>(`${BASE}/alarms/open`),
  handleAlarm: (alarmId: number, body: HandleBody) => http.post<WorkAlarm>(`${BASE}/alarms/${alarmId}/handle`, body),

  /** Contractors of the basics register (承包商), for the permit form. */
  contractors: (q = '') => http.get<RowPage>('/basics/r/contractors', { q: q || undefined, page_size: 50 }),
  /** Active people of the basics register matching `q`. */
  people: (q = '') => http.get<RowPage>('/basics/r/people', { q: q || undefined, page_size: 20, filter: 'status:active' }),
  /** The drawn signature (PNG) of a signed step, for readers of the permit (same origin, the session cookie). */
  signatureImageUrl: (id: number, signatureId: number) => `${API_BASE}${BASE}/${id}/signatures/${signatureId}/image`,
  /** A drawn signature (PNG) to the file store; its id goes with the signing action. */
  uploadSignature: (blob: Blob) => {
    const form = new FormData()
    form.append('file', new File([blob], 'signature.png', { type: 'image/png' }))
    return http.post<FileInfo>('/files', form, SILENT)
  },
}

type EligibilityOut = components['schemas']['EligibilityOut']

/** The master-data eligibility answers (作业资格: certificates) of people for a work type, now. */
export function checkEligibility(personIds: number[], workType: string): Promise<EligibilityOut[]> {
  return http.post<EligibilityOut[]>('/basics/eligibility/batch', { person_ids: personIds, work_type: workType })
}
