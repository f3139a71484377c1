// Audit log table state: filters, pagination and chain verification.
import { computed, reactive, ref } from 'vue'
import type { AuditEntry, AuditVerify } from '@/api/types'
import { auditApi } from '../api'

export interface SortChange {
  prop: string | null
  order: 'ascending' | 'descending' | null
}

export function useAuditLog() {
  const filters = reactive({ actor: '', action: '', result: '', since: '', until: '' })
  // desktop uses one range picker, phones two single pickers (the range popup is too wide)
  const range = computed<[string, string] | null>({
    get: (): [string, string] | null => (filters.since && filters.until ? [filters.since, filters.until] : null),
    set: (value: [string, string] | null) => {
      filters.since = value?.[0] ?? ''
      filters.until = value?.[1] ?? ''
    },
  })
  const sort = ref<string | undefined>(undefined)
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
        sort: sort.value,
        actor: filters.actor.trim() || undefined,
        action: filters.action.trim() || undefined,
        result: filters.result || undefined,
        since: filters.since || undefined,
        until: filters.until || undefined,
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
    filters.since = ''
    filters.until = ''
    search()
  }

  /** Table header sorting; the backend sorts audit entries by seq or ts (default -seq). */
  function onSortChange({ prop, order }: SortChange): void {
    const key = prop === 'seq' || prop === 'ts' ? prop : null
    sort.value = key && order ? (order === 'descending' ? `-${key}` : key) : undefined
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

  return { filters, range, page, pageSize, items, total, loading, verifying, verifyResult, fetch, search, reset, verify, onSortChange }
}
