// Users table state: search, pagination, sorting.
import { reactive, ref } from 'vue'
import type { User } from '@/api/types'
import { USER_SORT_KEYS, usersApi, type UserSort } from '../api'

type SortOrder = 'ascending' | 'descending' | null

export function useUserList() {
  const query = reactive<{ page: number; page_size: number; q: string; sort: UserSort | undefined }>({
    page: 1,
    page_size: 20,
    q: '',
    sort: undefined,
  })
  const items = ref<User[]>([])
  const total = ref(0)
  const loading = ref(false)

  async function fetch(): Promise<void> {
    loading.value = true
    try {
      const page = await usersApi.list({ ...query, q: query.q.trim() || undefined })
      items.value = page.items
      total.value = page.total
    } catch {
      // the HTTP client already showed the error
    } finally {
      loading.value = false
    }
  }

  function search(): void {
    query.page = 1
    void fetch()
  }

  function onSortChange({ prop, order }: { prop: string | null; order: SortOrder }): void {
    const key = USER_SORT_KEYS.find((k) => k === prop)
    if (!order || !key) query.sort = undefined
    else query.sort = order === 'descending' ? `-${key}` : key
    query.page = 1
    void fetch()
  }

  /** Puts an updated user into the current page without reloading. */
  function replace(user: User): void {
    const i = items.value.findIndex((u) => u.id === user.id)
    if (i >= 0) items.value[i] = user
  }

  return { query, items, total, loading, fetch, search, onSortChange, replace }
}
