// Names of people (basics register "people") by id, for 包保 heads and tasks; the person picker
// searches the same register. Without basics.read a person shows as "#id".
import { shallowRef, triggerRef } from 'vue'
import { basicsApi } from '@/modules/basics/api'
import { useAuthStore } from '@/stores/auth'

export interface PersonOption {
  id: number
  name: string
  /** position or department */
  detail: string
}

const names = shallowRef(new Map<number, PersonOption>())
const pending = new Map<number, Promise<void>>()

function str(value: unknown): string {
  return value === null || value === undefined ? '' : String(value)
}

export function usePeople() {
  const auth = useAuthStore()
  const canRead = () => auth.can('basics.read')

  function remember(p: PersonOption): void {
    names.value.set(p.id, p)
    triggerRef(names)
  }

  /** Loads the names of these ids (once each). */
  async function ensure(ids: Iterable<number>): Promise<void> {
    if (!canRead()) return
    const jobs: Promise<void>[] = []
    for (const id of new Set(ids)) {
      if (names.value.has(id)) continue
      let job = pending.get(id)
      if (!job) {
        job = basicsApi
          .row('people', id)
          .then((row) => {
            const v = row.values
            remember({ id, name: str(v.name) || `#${id}`, detail: str(v.position) || str(row.labels.department_id) })
          })
          .catch(() => undefined)
          .finally(() => pending.delete(id))
        pending.set(id, job)
      }
      jobs.push(job)
    }
    await Promise.all(jobs)
  }

  function nameOf(id: number | null | undefined): string {
    if (id === null || id === undefined) return '—'
    return names.value.get(id)?.name ?? `#${id}`
  }

  /** Active people matching `q` (first 20). */
  async function search(q: string): Promise<PersonOption[]> {
    if (!canRead()) return []
    const page = await basicsApi.rows('people', {
      q: q.trim() || undefined,
      page_size: 20,
      filters: { status: 'active' },
    })
    return page.items.map((row) => {
      const v = row.values
      const p = { id: row.id, name: str(v.name) || `#${row.id}`, detail: str(v.position) || str(row.labels.department_id) }
      remember(p)
      return p
    })
  }

  return { names, ensure, nameOf, search }
}
