// The single place mapping generated OpenAPI schema names to the names the UI uses.
// When `npm run gen:api` renames a schema, fix it here only.
import type { components, paths } from './generated/schema'

type Schemas = components['schemas']

export type ErrorBody = Schemas['ErrorBody']
export type LoginRequest = Schemas['LoginIn']
export type PasswordChange = Schemas['PasswordChangeIn']
export type PasswordReset = Schemas['ResetPasswordIn']
export type Scope = Schemas['Scope']
export type ScopeKind = Scope['kind']
export type Me = Schemas['Me']
export type User = Schemas['UserOut']
export type UserPage = Schemas['Page_UserOut_']
export type UserCreate = Schemas['UserCreate']
export type UserUpdate = Schemas['UserUpdate']
export type UserLocale = UserCreate['locale']
export type Role = Schemas['RoleOut']
export type Duty = NonNullable<Role['duty']>
export type Permission = Schemas['PermissionOut']
export type AuditEntry = Schemas['AuditOut']
export type AuditPage = Schemas['Page_AuditOut_']
export type AuditVerify = Schemas['ChainOut']
export type Site = Schemas['SiteOut']
export type SiteMap = Schemas['MapOut']
export type Area = Schemas['AreaOut']
export type Department = Schemas['DepartmentOut']
/** Loosely typed GeoJSON from the backend; parsed by components/map/areaFeatures.ts */
export type FeatureCollection = Schemas['FeatureCollection']
export type Feature = Schemas['Feature']

export type InboxItem = Schemas['InboxItemOut']
export type InboxPage = Schemas['Page_InboxItemOut_']
export type UnreadCount = Schemas['UnreadCount']

/** Excel import report, shared by every module's import endpoint (components/ExcelImportDialog.vue). */
export type ImportReport = Schemas['ImportReport']
export type ImportRowError = Schemas['ImportRowError']
export type ImportMode = ImportReport['mode']

// Query parameters, taken from the generated paths.
type QueryOf<P extends keyof paths> = paths[P] extends { get: { parameters: { query?: infer Q } } } ? NonNullable<Q> : never
export type UserQuery = QueryOf<'/api/v1/users'>
export type AuditQuery = QueryOf<'/api/v1/audit'>
export type AreaQuery = QueryOf<'/api/v1/plant/areas'>
