// Special-work permit endpoints (/api/v1/permits): reference data, the ledger, a permit and its content
// (people, links, analysis, measures, briefing), gas analyses, life-cycle actions with on-site
// signatures, the confined-space register and work alarms. Contractors come from the basics register.
import { API_BASE, http, type Query } from '@/api/http'
import type { components } from '@/api/generated/schema'
import type {
  ActionBody,
  ActionName,
  ActionResult,
  AnalysisBody,
  CalendarBody,
  CalendarDay,
  CancelDecisionBody,
  CancelRequest,
  CancelRequestBody,
  CalendarRange,
  CalendarRangeBody,
  DayMap,
  Delegation,
  DelegationBody,
  EntryBody,
  Exchange,
  GasTestBody,
  GuardianPosition,
  HandOverBody,
  HandleBody,
  LiveContext,
  MyWork,
  MeasuresBody,
  PeopleBody,
  PermitCreate,
  PermitDetail,
  PermitPage,
  PermitQuery,
  Reference,
  ReportedPosition,
  Signer,
  SignerBody,
  Stats,
  StatsQuery,
  WorkAlarm,
} from './types'

type FileInfo = components['schemas']['FileOut']
type RowPage = components['schemas']['Page_RowOut_']
type UserPage = components['schemas']['Page_UserOut_']

const BASE = '/permits'
const LEDGER = '/permits-ledger'
const CONFIG = '/permits-config'
/** Errors the page renders itself (inline or in the blocked panel): no toast. */
const SILENT = { silent: true }

/** `?a=1&b=2` of the non-empty values (same-origin download links carry the session cookie). */
function search(query: Query): string {
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.append(key, String(value))
  }
  const qs = params.toString()
  return qs ? `?${qs}` : ''
}

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
  /** An evidence photo of a step, for readers of the permit. */
  photoUrl: (id: number, fileId: number) => `${API_BASE}${BASE}/${id}/photos/${fileId}`,
  /** An evidence photo to the file store; its id goes with the action (`photos`). */
  uploadPhoto: (file: File) => {
    const form = new FormData()
    form.append('file', file)
    return http.post<FileInfo>('/files', form, SILENT)
  },
  /** The printable permit (GB 30871-2022 附录A layout, A4 PDF). */
  printUrl: (id: number) => `${API_BASE}${BASE}/${id}/print.pdf`,
  /** The AQ 3064.2-2025 表A.1 record with its 表A.3 alarms and the required fields still empty. */
  exchange: (id: number) => http.get<Exchange>(`${BASE}/${id}/exchange`),
  /** The guardian's phone reports its position (away from the work: suspended, alarm 3/31). */
  guardianPosition: (id: number, body: ReportedPosition) => http.post<GuardianPosition>(`${BASE}/${id}/guardian-position`, body, SILENT),
  /** 监护人交接: the caller (an active guardian) hands the permit to another person. */
  guardianHandover: (id: number, body: HandOverBody) => http.post(`${BASE}/${id}/guardian-handover`, body, SILENT),
  /** 取消申请 (AQ 3064.2-2025 §5.7): file one, decide it (permits.manage), or withdraw one's own. */
  requestCancel: (id: number, body: CancelRequestBody) => http.post<CancelRequest>(`${BASE}/${id}/cancel-requests`, body, SILENT),
  decideCancel: (id: number, body: CancelDecisionBody) => http.post<CancelRequest>(`${BASE}/${id}/cancel-requests/decision`, body, SILENT),
  withdrawCancel: (id: number) => http.delete(`${BASE}/${id}/cancel-requests/pending`, SILENT),
  /** 现场实时监测: the detectors (last value, worst alarm) and cameras bound to the work location. */
  live: (id: number) => http.get<LiveContext>(`${BASE}/${id}/live`),
  /** A drawn signature (PNG) to the file store; its id goes with the signing action. */
  uploadSignature: (blob: Blob) => {
    const form = new FormData()
    form.append('file', new File([blob], 'signature.png', { type: 'image/png' }))
    return http.post<FileInfo>('/files', form, SILENT)
  },
}

/** The ledger: statistics with drill-down, the export and the map of a day (permits/ledger_api.py). */
export const ledgerApi = {
  stats: (query: StatsQuery) => http.get<Stats>(`${LEDGER}/stats`, { ...query }),
  /** The ledger filtered like GET /permits, as a workbook. */
  exportUrl: (query: Query) => `${API_BASE}${LEDGER}/export.xlsx${search(query)}`,
  mapToday: (siteId?: number) => http.get<DayMap>(`${LEDGER}/map/today`, { site_id: siteId }),
  /** 我的待办: what waits for the caller's signature, and their counts (AQ 3064.2-2025 §5.12). */
  mine: () => http.get<MyWork>(`${LEDGER}/mine`),
}

/** Signing roles, delegations and the plant calendar (permits/config_api.py). */
export const configApi = {
  signers: () => http.get<Signer[]>(`${CONFIG}/signers`),
  addSigner: (body: SignerBody) => http.post<Signer>(`${CONFIG}/signers`, body, SILENT),
  removeSigner: (id: number) => http.delete(`${CONFIG}/signers/${id}`),
  delegations: () => http.get<Delegation[]>(`${CONFIG}/delegations`),
  delegate: (body: DelegationBody) => http.post<Delegation>(`${CONFIG}/delegations`, body, SILENT),
  /** 撤回委托: the delegator or permits.manage ends a delegation now (the record stays). */
  withdrawDelegation: (id: number) => http.delete(`${CONFIG}/delegations/${id}`),
  calendar: (year: number) => http.get<CalendarDay[]>(`${CONFIG}/calendar`, { year }),
  addDay: (body: CalendarBody) => http.post<CalendarDay>(`${CONFIG}/calendar`, body, SILENT),
  /** Every day of [from, to] in one transaction; days already marked so are skipped and listed. */
  addDays: (body: CalendarRangeBody) => http.post<CalendarRange>(`${CONFIG}/calendar/range`, body, SILENT),
  removeDay: (id: number) => http.delete(`${CONFIG}/calendar/${id}`),
  /** Users (identity.user.read only): the pickers fall back to the signers' logins or a typed id. */
  users: (q = '') => http.get<UserPage>('/users', { q: q || undefined, page_size: 50 }),
}

type EligibilityOut = components['schemas']['EligibilityOut']

/** The master-data eligibility answers (作业资格: certificates) of people for a work type, now. */
export function checkEligibility(personIds: number[], workType: string): Promise<EligibilityOut[]> {
  return http.post<EligibilityOut[]>('/basics/eligibility/batch', { person_ids: personIds, work_type: workType })
}
