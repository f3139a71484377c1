// Safety master data (安全管理基础信息) names for the generated OpenAPI types (the one place to fix when
// a schema is renamed). Registers are described by metadata at run time (GET /basics/registers), so
// a row's values are a loose map keyed by field keys; the metadata's free strings (field type,
// reference kind, register group, due kind) are narrowed here to the values the backend declares
// in basics/registry.py.
import type { components, paths } from '@/api/generated/schema'

type Schemas = components['schemas']
type QueryOf<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } } ? NonNullable<Q> : never

export type FileInfo = Schemas['FileOut']

export type FieldType = 'str' | 'text' | 'int' | 'float' | 'bool' | 'date' | 'datetime' | 'enum' | 'enums' | 'tags' | 'ref' | 'files'
export type RefKind = 'site' | 'area' | 'department' | 'contractor' | 'person' | 'process' | 'equipment' | 'interlock'
export type RegisterGroup = 'licences' | 'process' | 'equipment' | 'people' | 'third_parties'
/** What a due date means: the reminder kind. */
export type DueWhat =
  | 'expiry'
  | 'review'
  | 'inspection'
  | 'calibration'
  | 'replacement'
  | 'proof_test'
  | 'bypass'
  | 'evaluation'
  | 'rectification'
export type DueStatus = Schemas['DueOut']['status']
export type DueFilter = 'attention' | 'due' | 'expired'

export type FieldOption = Schemas['OptionMeta']
export type FieldMeta = Omit<Schemas['FieldMeta'], 'type' | 'ref'> & { type: FieldType; ref: RefKind | null }
export type DueMeta = Omit<Schemas['DueFieldMeta'], 'what'> & { what: DueWhat }
export type RegisterMeta = Omit<Schemas['RegisterMeta'], 'group' | 'due' | 'fields'> & {
  group: RegisterGroup
  due: DueMeta[]
  fields: FieldMeta[]
}

export type DueState = Omit<Schemas['DueOut'], 'what'> & { what: DueWhat }
export type Values = Record<string, unknown>
export type RegisterRow = Omit<Schemas['RowOut'], 'due'> & { due: DueState[] }
export type RowPage = Omit<Schemas['Page_RowOut_'], 'items'> & { items: RegisterRow[] }

/** One entry of params.problems of a 422 basics.invalid_values. */
export interface FieldProblem {
  field: string
  code: string
  message: string
}

export type ImportReport = Schemas['ImportReport']
export type ImportRowError = Schemas['ImportRowError']
export type ImportMode = ImportReport['mode']

export type Completeness = Schemas['CompletenessOut']
export type CompletenessItem = Schemas['CompletenessItem']
export type CompletenessByType = Schemas['TypeCount']

export type Reminder = Omit<Schemas['ReminderItem'], 'what'> & { what: DueWhat }
export type ReminderSummaryOut = Schemas['ReminderSummary']
export type ReminderCount = Schemas['ReminderCount']
export type ReminderQuery = QueryOf<'/api/v1/basics/reminders'>
export type ReminderStatusFilter = NonNullable<ReminderQuery['status']>

export type BypassStatus = NonNullable<QueryOf<'/api/v1/basics/bypasses'>['status']>
export type BypassAction = 'approve' | 'reject' | 'apply' | 'remove' | 'cancel'
export type Bypass = Omit<Schemas['BypassOut'], 'status'> & { status: BypassStatus }
export type BypassPage = Omit<Schemas['Page_BypassOut_'], 'items'> & { items: Bypass[] }
export type BypassQuery = QueryOf<'/api/v1/basics/bypasses'>
export type BypassRequest = Schemas['BypassIn']
export type BypassTimelineEntry = Schemas['TimelineOut']

export type WorkType =
  | 'hot_work'
  | 'confined_space'
  | 'blinding'
  | 'work_at_height'
  | 'lifting'
  | 'temporary_electricity'
  | 'excavation'
  | 'road_breaking'

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

export type EligibilityAnswer = Schemas['EligibilityOut']
export type EligibilityCertificate = Schemas['EligibilityCertificate']
export type EligibilityQuery = QueryOf<'/api/v1/basics/eligibility'>

export type Diagnosis = Schemas['DiagnosisOut']
export type StaffingRow = Schemas['StaffingFindingOut']
export type QualificationRow = Schemas['QualificationFindingOut']
export type InductionRow = Schemas['InductionFindingOut']

export type StaffingSettings = Schemas['StaffingIn']
export type BasicsSettingsIn = Schemas['SettingsIn']
export type BasicsSettings = Schemas['SettingsOut']
