// Reactive state of the realtime socket for a "live" indicator (operators must see a frozen screen).
import { onBeforeUnmount, ref } from 'vue'
import { realtime } from '@/api/realtime'

export function useConnection() {
  const connected = ref(realtime.connected)
  const stop = realtime.onConnectionChange((value) => (connected.value = value))
  onBeforeUnmount(stop)
  return { connected }
}
