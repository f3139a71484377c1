// Identity endpoints: auth, users, roles, permissions.
import { http } from '@/api/http'
import type {
  LoginRequest, Me, PasswordChange, PasswordReset, Permission, Role, Scope, User, UserCreate, UserPage, UserQuery, UserUpdate,
} from '@/api/types'

/** Sort keys the backend whitelists for /users ('-' prefix = descending). */
export const USER_SORT_KEYS = ['username', 'display_name', 'created_at', 'last_login_at'] as const
type UserSortKey = (typeof USER_SORT_KEYS)[number]
export type UserSort = UserSortKey | `-${UserSortKey}`


export const authApi = {
  login: (body: LoginRequest) => http.post<Me>('/auth/login', body, { silent: true, skipAuthRedirect: true }),
  logout: () => http.post('/auth/logout', undefined, { silent: true, skipAuthRedirect: true }),
  me: () => http.get<Me>('/auth/me', undefined, { silent: true, skipAuthRedirect: true }),
  changePassword: (body: PasswordChange) => http.post('/auth/password', body, { silent: true }),
}

export const usersApi = {
  list: (query: UserQuery) => http.get<UserPage>('/users', { ...query }),
  create: (body: UserCreate) => http.post<User>('/users', body, { silent: true }),
  update: (id: number, body: UserUpdate) => http.patch<User>(`/users/${id}`, body),
  setRoles: (id: number, roles: string[]) => http.put<User>(`/users/${id}/roles`, { roles }, { silent: true }),
  setScopes: (id: number, scopes: Scope[]) => http.put<User>(`/users/${id}/scopes`, { scopes }, { silent: true }),
  unlock: (id: number) => http.post<User>(`/users/${id}/unlock`),
  resetTotp: (id: number) => http.post<void>(`/users/${id}/reset-totp`),
  resetPassword: (id: number, body: PasswordReset) =>
    http.post(`/users/${id}/reset-password`, body, { silent: true }),
}

export const rolesApi = {
  list: () => http.get<Role[]>('/roles'),
  permissions: () => http.get<Permission[]>('/permissions'),
}
