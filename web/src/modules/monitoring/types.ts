// Monitoring names for the generated OpenAPI types (the one place to fix when a schema is renamed).
import type { components, paths } from '@/api/generated/schema'

type Schemas = components['schemas']
type QueryOf<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } } ? NonNullable<Q> : never

export type AlarmView = Schemas['AlarmView']
export type AlarmPage = Schemas['Page_AlarmView_']
export type AlarmEvent = Schemas['AlarmEventOut']
export type AlarmEventPage = Schemas['Page_AlarmEventOut_']
export type BulkAckResult = Schemas['BulkAckOut']
export type ShelveBody = Schemas['ShelveIn']
export type ReasonBody = Schemas['ReasonIn']
export type CommentBody = Schemas['CommentIn']
export type AlarmQuery = QueryOf<'/api/v1/monitoring/alarms'>
export type AlarmStateFilter = NonNullable<AlarmQuery['state']>

export type Point = Schemas['PointOut']
export type PointPage = Schemas['Page_PointOut_']
export type PointUpdate = Schemas['PointUpdate']
export type PointQuery = QueryOf<'/api/v1/monitoring/points'>
export type PointKind = NonNullable<PointQuery['kind']>
export type ImportReport = Schemas['ImportReport']
export type ImportRowError = Schemas['ImportRowError']
export type ImportMode = ImportReport['mode']

export type Snapshot = Schemas['SnapshotOut']
export type SnapshotValue = Schemas['SnapshotValue']
export type Board = Schemas['BoardOut']
export type BoardArea = Schemas['BoardArea']
export type BoardPoint = Schemas['BoardPoint']

export type Trend = Schemas['TrendOut']
export type TrendSeries = Schemas['TrendSeriesOut']
export type TrendQuery = QueryOf<'/api/v1/monitoring/trend'>

export type Kpi = Schemas['KpiOut']
export type KpiLimits = Schemas['KpiLimitsOut']
export type ConsoleKpi = Schemas['ConsoleKpi']
export type KpiStatus = ConsoleKpi['avg_per_day_status']

export type Rejects = Schemas['RejectsOut']
export type Reject = Schemas['RejectOut']
export type MonitoringStatus = Schemas['StatusOut']
