// Audit log table state: filters, pagination and chain verification.
import { reactive, ref } from 'vue'
import type { AuditEntry, AuditVerify } from '@/api/types'
import { auditApi } from '../api'

export function useAuditLog() {
  const filters = reactive<{ actor: string; action: string; result: string; range: [string, string] | null }>({
    actor: '',
    action: '',
    result: '',
    range: null,
  })
  const page = ref(1)
  const pageSize = ref(20)
  const items = ref<AuditEntry[]>([])
  const total = ref(0)
  const loading = ref(false)
  const verifying = ref(false)
  const verifyResult = ref<AuditVerify | null>(null)

  async function fetch(): Promise<void> {
    loading.value = true
    try {
      const result = await auditApi.list({
        page: page.value,
        page_size: pageSize.value,
        actor: filters.actor.trim() || undefined,
        action: filters.action.trim() || undefined,
        result: filters.result || undefined,
        since: filters.range?.[0],
        until: filters.range?.[1],
      })
      items.value = result.items
      total.value = result.total
    } catch {
      // shown by the HTTP client
    } finally {
      loading.value = false
    }
  }

  function search(): void {
    page.value = 1
    void fetch()
  }

  function reset(): void {
    filters.actor = ''
    filters.action = ''
    filters.result = ''
    filters.range = null
    search()
  }

  async function verify(): Promise<void> {
    verifying.value = true
    verifyResult.value = null
    try {
      verifyResult.value = await auditApi.verify()
    } catch {
      // shown by the HTTP client
    } finally {
      verifying.value = false
    }
  }

  return { filters, page, pageSize, items, total, loading, verifying, verifyResult, fetch, search, reset, verify }
}
