// The state of one register's list page: search text, field filters, due state, "incomplete
// only", sort, paging, and the rows of the current page. Stale answers are dropped.
import { computed, reactive, ref } from 'vue'
import type { QueryValue } from '@/api/http'
import { basicsApi, type RowQuery } from '../api'
import type { DueFilter, RegisterRow } from '../types'

export interface ListFilters {
  q: string
  due: DueFilter | ''
  incomplete: boolean
  fields: Record<string, QueryValue>
}

export function useRegisterList(register: () => string) {
  const filters = reactive<ListFilters>({ q: '', due: '', incomplete: false, fields: {} })
  const sort = ref('')
  const page = ref(1)
  const pageSize = ref(20)
  const items = ref<RegisterRow[]>([])
  const total = ref(0)
  const loading = ref(false)
  let controller: AbortController | null = null

  const query = computed<RowQuery>(() => ({
    q: filters.q.trim() || undefined,
    due: filters.due,
    incomplete: filters.incomplete,
    filters: { ...filters.fields },
    sort: sort.value || undefined,
  }))

  /** Number of filters set besides the search text (shown on the phone's filter button). */
  const activeFilters = computed(
    () =>
      Object.values(filters.fields).filter((v) => v !== undefined && v !== null && v !== '').length +
      (filters.due ? 1 : 0) +
      (filters.incomplete ? 1 : 0),
  )

  async function fetch(): Promise<void> {
    controller?.abort()
    const mine = new AbortController()
    controller = mine
    loading.value = true
    try {
      const result = await basicsApi.rows(register(), { ...query.value, page: page.value, page_size: pageSize.value }, mine.signal)
      items.value = result.items
      total.value = result.total
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') return
      items.value = []
      total.value = 0
    } finally {
      if (controller === mine) loading.value = false
    }
  }

  function search(): void {
    page.value = 1
    void fetch()
  }

  function reset(): void {
    filters.q = ''
    filters.due = ''
    filters.incomplete = false
    filters.fields = {}
    sort.value = ''
    page.value = 1
    items.value = []
    total.value = 0
  }

  /** Replaces a row after an edit (or drops it after a delete). */
  function replace(row: RegisterRow | null, id: number): void {
    const i = items.value.findIndex((r) => r.id === id)
    if (i < 0) return
    if (row) items.value[i] = row
    else {
      items.value.splice(i, 1)
      total.value = Math.max(0, total.value - 1)
    }
  }

  return { filters, sort, page, pageSize, items, total, loading, query, activeFilters, fetch, search, reset, replace }
}
