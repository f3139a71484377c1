// Point lookup for pickers: search by tag or name, and resolve tags from a deep link.
import { ref } from 'vue'
import { monitoringApi } from '../api'
import type { Point } from '../types'

export function usePointSearch() {
  const options = ref<Point[]>([])
  const searching = ref(false)

  async function search(q: string): Promise<void> {
    searching.value = true
    try {
      const page = await monitoringApi.points({ q: q.trim() || undefined, page_size: 30, sort: 'tag' })
      options.value = page.items
    } catch {
      options.value = []
    } finally {
      searching.value = false
    }
  }

  /** Exact tags → points (case-insensitive); returns the found points and the unknown tags. */
  async function resolveTags(tags: string[]): Promise<{ found: Point[]; missing: string[] }> {
    const found: Point[] = []
    const missing: string[] = []
    await Promise.all(
      tags.map(async (tag) => {
        try {
          const page = await monitoringApi.points({ q: tag, page_size: 50 })
          const hit = page.items.find((p) => p.tag.toLowerCase() === tag.toLowerCase())
          if (hit) found.push(hit)
          else missing.push(tag)
        } catch {
          missing.push(tag)
        }
      }),
    )
    // keep the link's order
    found.sort((a, b) => tags.findIndex((t) => t.toLowerCase() === a.tag.toLowerCase()) - tags.findIndex((t) => t.toLowerCase() === b.tag.toLowerCase()))
    return { found, missing }
  }

  return { options, searching, search, resolveTags }
}
