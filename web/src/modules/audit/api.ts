// Audit endpoints: the hash-chained audit log and its verification.
import { http } from '@/api/http'
import type { AuditPage, AuditVerify } from '@/api/types'

export interface AuditQuery {
  page: number
  page_size: number
  actor?: string
  action?: string
  since?: string
  until?: string
}

export const auditApi = {
  list: (query: AuditQuery) => http.get<AuditPage>('/audit', { ...query }),
  verify: () => http.get<AuditVerify>('/audit/verify'),
}
