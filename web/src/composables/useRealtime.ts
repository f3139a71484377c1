// Subscribes to a realtime topic for the lifetime of the calling component.
import { onBeforeUnmount, onMounted } from 'vue'
import { realtime, type RealtimeEvent } from '@/api/realtime'

export function useRealtime<T = unknown>(topic: string, handler: (event: RealtimeEvent<T>) => void): void {
  let stop: (() => void) | null = null
  onMounted(() => {
    stop = realtime.subscribe(topic, (event) => handler(event as RealtimeEvent<T>))
  })
  onBeforeUnmount(() => {
    stop?.()
    stop = null
  })
}
