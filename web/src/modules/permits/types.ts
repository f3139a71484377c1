// Special-work permit (特殊作业票) names for the generated OpenAPI types: the one place to fix when a
// schema is renamed. Schemas whose names other modules could share are taken by their route.
import type { components, paths } from '@/api/generated/schema'

type Schemas = components['schemas']
type QueryOf<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } } ? NonNullable<Q> : never
type JsonBody<P extends keyof paths, M extends 'post' | 'put' | 'patch'> = paths[P] extends {
  [K in M]: { requestBody?: { content: { 'application/json': infer B } } }
}
  ? B
  : never
type JsonOk<P extends keyof paths, M extends 'get' | 'post' | 'put' | 'patch'> = paths[P] extends {
  [K in M]: { responses: { 200: { content: { 'application/json': infer B } } } }
}
  ? B
  : never

export type Permit = Schemas['PermitOut']
export type PermitPage = Schemas['Page_PermitOut_']
export type PermitDetail = Schemas['PermitDetail']
export type LiveContext = Schemas['LiveContext']
export type MyWork = Schemas['MineOut']
export type CancelRequest = Schemas['CancelRequestOut']
export type CancelRequestBody = Schemas['CancelRequestIn']
export type CancelDecisionBody = Schemas['CancelDecisionIn']
export type LiveDetector = LiveContext['detectors'][number]
export type LiveCamera = LiveContext['cameras'][number]
export type PermitCreate = JsonBody<'/api/v1/permits', 'post'>
export type PermitQuery = QueryOf<'/api/v1/permits'>
export type WorkType = PermitCreate['work_type']
export type Reference = JsonOk<'/api/v1/permits/reference', 'get'>
export type RefOption = Reference['alarms'][number]
export type GradeOption = Reference['grades'][number]
export type PermitPerson = PermitDetail['people'][number]
export type PeopleBody = JsonBody<'/api/v1/permits/{permit_id}/people', 'put'>
export type PersonRole = PeopleBody['people'][number]['role']
export type AnalysisBody = JsonBody<'/api/v1/permits/{permit_id}/analysis', 'put'>
export type MeasuresBody = JsonBody<'/api/v1/permits/{permit_id}/measures', 'put'>
export type Measure = PermitDetail['measures'][number]
export type GasTest = PermitDetail['gas_tests'][number]
export type GasTestBody = JsonBody<'/api/v1/permits/{permit_id}/gas-tests', 'post'>
export type Reading = GasTestBody['readings'][number]
export type GasKind = Reading['kind']
export type Signature = PermitDetail['signatures'][number]
export type SignStep = PermitDetail['steps'][number]
export type WorkAlarm = JsonOk<'/api/v1/permits/alarms/open', 'get'>[number]
export type HandleBody = JsonBody<'/api/v1/permits/alarms/{alarm_id}/handle', 'post'>
export type Entry = PermitDetail['entries'][number]
export type EntryBody = JsonBody<'/api/v1/permits/{permit_id}/entries', 'post'>
export type TimelineItem = PermitDetail['timeline'][number]
export type ActionBody = JsonBody<'/api/v1/permits/{permit_id}/actions/{action}', 'post'>
export type ActionResult = JsonOk<'/api/v1/permits/{permit_id}/actions/{action}', 'post'>
export type ActionName = paths['/api/v1/permits/{permit_id}/actions/{action}']['post']['parameters']['path']['action']

// ledger (permits/ledger_api.py) and configuration (permits/config_api.py)
export type Exchange = Schemas['ExchangeOut']
export type StatsQuery = QueryOf<'/api/v1/permits-ledger/stats'>
export type GroupBy = NonNullable<StatsQuery['group_by']>
export type Stats = Schemas['StatsOut']
export type StatsGroup = Schemas['GroupOut']
export type DayMap = Schemas['DayMapOut']
export type MapPermit = Schemas['MapPermitOut']
export type MapQuery = QueryOf<'/api/v1/permits-ledger/map/today'>
export type Signer = Schemas['SignerOut']
export type SignerBody = Schemas['SignerIn']
export type SignerRole = SignerBody['role']
export type Delegation = Schemas['DelegationOut']
export type DelegationBody = Schemas['DelegationIn']
export type CalendarDay = Schemas['CalendarOut']
export type CalendarBody = Schemas['CalendarIn']
export type CalendarRangeBody = Schemas['CalendarRangeIn']
export type CalendarRange = Schemas['CalendarRangeOut']
export type CalendarKind = CalendarBody['kind']
export type GuardianPosition = Schemas['GuardianPositionOut']
export type HandOverBody = Schemas['HandOverIn']

/** Workflow states (permits/workflow.py State), in life-cycle order. */
export const STATES = [
  'draft',
  'booked',
  'booking_approved',
  'applying',
  'signing',
  'issued',
  'in_progress',
  'paused',
  'acceptance_pending',
  'accepted',
  'revoked',
  'voided',
  'closed_for_reissue',
] as const
export type PermitState = (typeof STATES)[number]

export const WORK_TYPES: WorkType[] = [
  'hot_work',
  'confined_space',
  'blinding',
  'work_at_height',
  'lifting',
  'temporary_electricity',
  'excavation',
  'road_breaking',
]

/** States in which the content, people, analysis and measures may still change (service.EDITABLE). */
export const EDITABLE_STATES: readonly string[] = ['draft', 'booked', 'booking_approved', 'applying']
/** Terminal states (workflow.TERMINAL). */
export const TERMINAL_STATES: readonly string[] = ['accepted', 'revoked', 'voided', 'closed_for_reissue']

/** Actions that need a reason (the guards reason_given, cancellation_approved, void_reason, reissue_trigger, within_validity). */
export const REASON_ACTIONS: readonly string[] = [
  'pause',
  'reject_booking',
  'reject_signing',
  'reject_acceptance',
  'cancel',
  'void',
  'close_for_reissue',
]
/** Steps taken on site: a dialog confirms them and takes evidence photos (ActionIn.photos). */
export const EVIDENCE_ACTIONS: readonly string[] = ['start', 'pause', 'resume', 'finish']
/** Actions signed on site with a drawn signature and the position (guards may_sign_on_site, acceptance_signed). */
export const SIGNED_ACTIONS: readonly string[] = ['sign', 'accept']

/** Who may ask for each action (flow.PERMISSION); only hides buttons, the server decides. */
export const ACTION_PERMISSIONS: Record<string, string[]> = {
  submit_booking: ['permits.apply'],
  approve_booking: ['permits.manage'],
  reject_booking: ['permits.manage'],
  apply: ['permits.apply'],
  submit_for_signing: ['permits.apply'],
  sign: ['permits.sign', 'permits.apply'],
  reject_signing: ['permits.sign'],
  start: ['permits.apply'],
  pause: ['permits.apply', 'permits.sign', 'permits.manage'],
  resume: ['permits.apply'],
  finish: ['permits.apply'],
  accept: ['permits.sign', 'permits.apply'],
  reject_acceptance: ['permits.sign'],
  cancel: ['permits.apply', 'permits.manage'],
  void: ['permits.manage'],
  close_for_reissue: ['permits.apply', 'permits.manage'],
}

/** People roles of a permit (api.PersonIn.role). */
export const PERSON_ROLES: PersonRole[] = ['worker', 'guardian', 'commander', 'rigger', 'electrician', 'analyst']

/** Work types whose gas analysis is required (reference.GAS_ANALYSIS_REQUIRED; 临时用电 only in hazardous areas). */
export function gasRequired(workType: string, hazardousArea: boolean): boolean {
  return workType === 'hot_work' || workType === 'confined_space' || (workType === 'temporary_electricity' && hazardousArea)
}

/** The sample-to-start limit (GB 30871-2022 §5.3.1 c, §6.3 a). */
export const GAS_FRESH_MINUTES = 30

/** A blind of a blinding permit (details.blinds). */
export interface Blind {
  blind_no: string
  action: 'insert' | 'remove'
}

/** Payload of the realtime event `permits.changed` (permits/flow.py PermitChanged). */
export interface PermitChanged {
  permit_id: number
  number: string
  work_type: string
  action: string
  state: string
  previous: string
}

/** Payload of the realtime event `permits.alarm_raised` (permits/alarms.py WorkAlarmRaised). */
export interface AlarmRaised {
  alarm_id: number
  permit_id: number | null
  number: string | null
  code: string
}

/** A reported position: plant metres, or WGS-84 from the phone. */
export interface ReportedPosition {
  x?: number | null
  y?: number | null
  lat?: number | null
  lon?: number | null
}

/** The groupings of the ledger statistics (stats.GROUP_BYS). */
export const GROUP_BYS: GroupBy[] = ['work_type', 'grade', 'area', 'contractor', 'state', 'alarm_type', 'day']

/** Step roles a user can be given (config_api.RoleCode): the work leader and the commander come from the permit itself. */
export const SIGNER_ROLES: SignerRole[] = [
  'unit',
  'power_user',
  'safety_dept',
  'plant_leader',
  'professional_dept',
  'plant_director',
  'power_supplier',
  'countersign',
  'shift_leader',
  'acceptor',
]

/** Marks of the plant calendar (CalendarIn.kind): 节假日, 调休上班, 特殊时段 (重大活动). */
export const CALENDAR_KINDS: CalendarKind[] = ['holiday', 'workday', 'special']

/** Live states: the guardian is on post (监护) while the permit is in one of them. */
export const GUARDED_STATES: readonly string[] = ['issued', 'in_progress', 'paused']

/** Filters of GET /permits the ledger reads from its address (the statistics drill down with them). */
export const LEDGER_QUERY_KEYS = ['state', 'work_type', 'grade', 'alarm_type', 'area_id', 'contractor_id', 'start_from', 'start_to', 'q'] as const

/** A login as the pickers show it. */
export interface UserOption {
  id: number
  username: string
  display_name: string
}
