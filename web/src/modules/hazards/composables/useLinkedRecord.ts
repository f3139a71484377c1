// A record list whose open record is kept in the address (?id=), so the reminder centre and other
// pages can link to it: a click writes the id, the id opens the drawer, closing the drawer drops it.
// Without `linked` a click opens the drawer directly.
import { watch, type Ref } from 'vue'
import { useRoute, useRouter } from 'vue-router'

export function useLinkedRecord(linked: boolean, drawerOpen: Ref<boolean>, show: (id: number) => Promise<void>) {
  const route = useRoute()
  const router = useRouter()

  /** Writes the record's id to ?id= (linked) or opens it at once. */
  function link(id: number): void {
    void router.replace({ query: { ...route.query, id: String(id) } })
  }

  function select(id: number): void {
    if (linked) link(id)
    else void show(id)
  }

  if (linked) {
    watch(
      () => route.query.id,
      (id) => {
        const n = Number(id)
        if (typeof id === 'string' && Number.isInteger(n) && n > 0) void show(n)
      },
      { immediate: true },
    )
    watch(drawerOpen, (value) => {
      if (!value && route.query.id) {
        const query = { ...route.query }
        delete query.id
        void router.replace({ query })
      }
    })
  }

  return { select, link, isLinked: (id: number) => route.query.id === String(id) }
}
