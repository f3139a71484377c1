// The snapshot is normally loaded when the WebSocket confirms the subscription; if that has not
// happened shortly after mounting (socket down, topic refused), load it anyway.
import { onBeforeUnmount, onMounted } from 'vue'

const FALLBACK_MS = 1500

export function useSnapshotFallback(started: () => boolean, load: () => Promise<void>): void {
  let timer: ReturnType<typeof setTimeout> | null = null
  onMounted(() => {
    timer = setTimeout(() => {
      timer = null
      if (!started()) void load()
    }, FALLBACK_MS)
  })
  onBeforeUnmount(() => {
    if (timer) clearTimeout(timer)
  })
}
