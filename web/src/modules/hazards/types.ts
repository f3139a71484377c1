// Major-hazard (重大危险源) names for the generated OpenAPI types (the one place to fix when a schema is
// renamed). The backend returns some free strings and loose JSON (risk colours, roles, task states,
// the calculation sheet); they are narrowed here to the values src/anguan/hazards declares.
import type { components, paths } from '@/api/generated/schema'

type Schemas = components['schemas']
type QueryOf<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } } ? NonNullable<Q> : never

export type Unit = Schemas['UnitOut']
export type UnitCreate = Schemas['UnitIn']
export type UnitUpdate = Schemas['UnitUpdate']
export type UnitKind = UnitCreate['kind']
export type UnitStatus = UnitCreate['status']
export type UnitQuery = QueryOf<'/api/v1/hazards/units'>

export type Substance = Schemas['SubstanceOut']
export type SubstanceCreate = Schemas['SubstanceIn']
export type SubstanceUpdate = Schemas['SubstanceUpdate']

export type Assessment = Schemas['AssessmentOut']
/** by the route: two modules' `ReviewIn` collide in the OpenAPI schema names */
export type ReviewBody = NonNullable<paths['/api/v1/hazards/assessments/{assessment_id}/review']['post']['requestBody']>['content']['application/json']

export type Risk = Schemas['RiskOut']
export type Warning = Schemas['WarningOut']
export type WarningQuery = QueryOf<'/api/v1/hazards/warnings'>
export type WarningStatus = NonNullable<WarningQuery['status']>
export type CloseBody = Schemas['CloseIn']

export type Duty = Schemas['DutyOut']
export type DutyAssign = Schemas['DutyIn']
export type DutyRole = DutyAssign['role']
export type Template = Schemas['TemplateOut']
export type TemplateBody = Schemas['TemplateIn']
export type Cycle = TemplateBody['cycle']
export type Task = Schemas['TaskOut']
export type TaskQuery = QueryOf<'/api/v1/hazards/tasks'>
export type CompleteBody = Schemas['CompleteIn']
export type TaskResult = CompleteBody['result']
export type ReportRow = Schemas['ReportRow']
export type FileInfo = Schemas['FileOut']

// evaluation reports (评价评估报告) and supervision findings (督导检查问题, 三录入): hazards/reports_api.py
export type Report = Schemas['ReportOut']
export type ReportCreate = Schemas['ReportIn']
export type ReportUpdate = Schemas['ReportUpdate']
export type ReportKind = Schemas['ReportKindOut']
export type ReportKindCode = ReportCreate['kind']
export type ReportQuery = QueryOf<'/api/v1/hazards/reports'>
export type ReportDue = Report['due_status']
export type FileRef = Schemas['FileRef']
export type Finding = Schemas['FindingOut']
export type FindingDetail = Schemas['FindingDetail']
export type FindingEvent = Schemas['FindingEventOut']
export type FindingCreate = Schemas['FindingIn']
export type FindingUpdate = Schemas['FindingUpdate']
export type FindingQuery = QueryOf<'/api/v1/hazards/findings'>
export type FindingStatus = NonNullable<FindingQuery['status']>
export type FindingSource = FindingCreate['source']
export type FindingLevel = FindingCreate['level']
export type FindingOptions = Schemas['FindingOptions']
export type FeedbackBody = Schemas['FeedbackIn']
export type RectifyBody = Schemas['RectifyIn']
export type FindingReviewBody = NonNullable<paths['/api/v1/hazards/findings/{finding_id}/review']['post']['requestBody']>['content']['application/json']
/** The steps after the problem entry: feedback (整改反馈), entry 2 (整改录入), entry 3 (复核录入). */
export type FindingStep = 'feedback' | 'rectify' | 'review'
/** What a new finding starts with (from a unit's page, or raised from an evaluation report). */
export interface FindingPrefill {
  unit_id?: number | null
  source?: FindingSource
  report_id?: number | null
}

/** Risk colours, lowest first (reference.py COLOURS). */
export const COLOURS = ['blue', 'yellow', 'orange', 'red'] as const
export type Colour = (typeof COLOURS)[number]
export const ROLES: DutyRole[] = ['principal', 'technical', 'operational']
export const CYCLES: Cycle[] = ['week', 'month', 'quarter']
export const WARNING_STATUSES: WarningStatus[] = ['open', 'cleared', 'closed']
export const UNIT_STATUSES: UnitStatus[] = ['in_use', 'maintenance', 'stopped']
export const UNIT_KINDS: UnitKind[] = ['storage', 'production']
export type TaskState = 'pending' | 'overdue' | 'done' | 'late'
export const FINDING_STATUSES: FindingStatus[] = ['open', 'rectified', 'closed']

/** GB 18218-2018 表2 hazard class codes (the backend validates against its reference table). */
export const TABLE2_CODES = [
  'J1', 'J2', 'J3', 'J4', 'J5',
  'W1.1', 'W1.2', 'W1.3', 'W2', 'W3', 'W4',
  'W5.1', 'W5.2', 'W5.3', 'W5.4', 'W6.1', 'W6.2', 'W7.1', 'W7.2',
  'W8', 'W9.1', 'W9.2', 'W10', 'W11',
] as const

/** One line of a stored calculation sheet (hazards/service.py `_sheet`); numbers are decimal text. */
export interface SheetLine {
  name: string
  q_t: string
  Q_t: string
  Q_basis: string
  ratio: string
  beta: string
  beta_basis: string
  beta_ambiguous: boolean
  weighted: string
}

/** One substance of an assessment's inputs record (hazards/service.py `unit_inputs`). */
export interface InputLine {
  substance_id: number | null
  name: string
  cas: string | null
  table1_no: number | null
  classes: string[]
  classes_from: 'manual' | 'ghs' | string
  containers: string | null
}

/** A risk reason: [label, points]. */
export interface Reason {
  label: string
  points: number
}

/** Payload of the realtime events `hazards.colour_changed` and `hazards.risk_updated` (hazards/risk.py). */
export interface ColourChanged {
  unit_id: number
  code: string
  site_id: number
  area_id: number | null
  colour: string
  previous: string | null
  inherent: string
  dynamic: string
  points: number
  reasons: unknown[][]
  model_version: string
}
