// Audit endpoints: the hash-chained audit log and its verification.
import { http } from '@/api/http'
import type { AuditPage, AuditQuery, AuditVerify } from '@/api/types'

export const auditApi = {
  list: (query: AuditQuery) => http.get<AuditPage>('/audit', { ...query }),
  verify: () => http.get<AuditVerify>('/audit/verify'),
}
