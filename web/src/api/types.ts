// The single place mapping generated OpenAPI schema names to the names the UI uses.
// When `npm run gen:api` renames a schema, fix it here only.
import type { components } from './generated/schema'

type Schemas = components['schemas']

export type ErrorBody = Schemas['ErrorResponse']
export type LoginRequest = Schemas['LoginRequest']
export type PasswordChange = Schemas['PasswordChange']
export type PasswordReset = Schemas['PasswordReset']
export type Scope = Schemas['Scope']
export type ScopeKind = Scope['kind']
export type Me = Schemas['Me']
export type User = Schemas['User']
export type UserPage = Schemas['UserPage']
export type UserCreate = Schemas['UserCreate']
export type UserUpdate = Schemas['UserUpdate']
export type UserRolesUpdate = Schemas['UserRolesUpdate']
export type UserScopesUpdate = Schemas['UserScopesUpdate']
export type Role = Schemas['Role']
export type Duty = NonNullable<Role['duty']>
export type Permission = Schemas['Permission']
export type AuditEntry = Schemas['AuditEntry']
export type AuditPage = Schemas['AuditPage']
export type AuditVerify = Schemas['AuditVerify']
export type Site = Schemas['Site']
export type SiteMap = Schemas['SiteMap']
export type AreaFeatureCollection = Schemas['AreaFeatureCollection']
export type AreaFeature = Schemas['AreaFeature']
export type AreaProperties = Schemas['AreaProperties']
export type Department = Schemas['Department']
