// Operator actions on alarms (确认 / 搁置 / 停用 / 备注): which ones the user may take on an alarm,
// and running them. Every answer is the alarm's new view, put straight into the list (the realtime
// event that follows carries the same rev and is ignored).
import { ElMessage } from 'element-plus'
import { computed } from 'vue'
import { useI18n } from 'vue-i18n'
import { useAuthStore } from '@/stores/auth'
import { monitoringApi } from '../api'
import { isShelved } from '../state'
import type { AlarmView } from '../types'

export type AlarmCommand = 'ack' | 'shelve' | 'unshelve' | 'oos' | 'inService' | 'comment' | 'journal' | 'trend'

export function useAlarmActions(upsert: (alarms: AlarmView[]) => void) {
  const { t } = useI18n()
  const auth = useAuthStore()

  const canOperate = computed(() => auth.can('monitoring.operate'))
  const canShelve = computed(() => auth.can('monitoring.shelve'))
  const canOos = computed(() => auth.can('monitoring.oos'))

  /** Commands offered for an alarm, in menu order. */
  function commands(alarm: AlarmView, now = Date.now()): AlarmCommand[] {
    const shelved = isShelved(alarm, now)
    const out: AlarmCommand[] = []
    if (canOperate.value && !alarm.acked && !alarm.oos) out.push('ack') // the server refuses acks while out of service
    if (canShelve.value && !shelved && !alarm.oos) out.push('shelve')
    if (canShelve.value && shelved) out.push('unshelve')
    if (canOos.value && !alarm.oos) out.push('oos')
    if (canOos.value && alarm.oos) out.push('inService')
    if (canOperate.value) out.push('comment')
    out.push('journal', 'trend')
    return out
  }

  async function run(action: () => Promise<AlarmView>, success?: string): Promise<boolean> {
    try {
      upsert([await action()])
      ElMessage.success(success ?? t('common.done'))
      return true
    } catch {
      return false // shown by the HTTP client (the server's message is already in the user's language)
    }
  }

  const ack = (alarm: AlarmView) =>
    run(() => monitoringApi.ack(alarm.id, alarm.occurrence), t('monitoring.alarm.acked', { n: 1 }))

  async function ackMany(ids: number[]): Promise<void> {
    if (!ids.length) return
    try {
      const result = await monitoringApi.ackMany(ids)
      upsert(result.acked)
      ElMessage.success(t('monitoring.alarm.acked', { n: result.acked.length }))
    } catch {
      // shown by the HTTP client
    }
  }

  const shelve = (alarm: AlarmView, reason: string, minutes: number) =>
    run(() => monitoringApi.shelve(alarm.id, reason, minutes))
  const unshelve = (alarm: AlarmView) => run(() => monitoringApi.unshelve(alarm.id))
  const outOfService = (alarm: AlarmView, reason: string) => run(() => monitoringApi.outOfService(alarm.id, reason))
  const inService = (alarm: AlarmView) => run(() => monitoringApi.inService(alarm.id))
  const comment = (alarm: AlarmView, text: string) => run(() => monitoringApi.comment(alarm.id, text))

  return { canOperate, canShelve, canOos, commands, ack, ackMany, shelve, unshelve, outOfService, inService, comment }
}
