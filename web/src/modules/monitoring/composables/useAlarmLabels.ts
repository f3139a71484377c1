// Labels of alarm facts (condition, state, journal kinds) with a fallback to the raw code.
import { useI18n } from 'vue-i18n'

export function useAlarmLabels() {
  const { t, te } = useI18n()
  const label = (key: string, code: string) => (te(`${key}.${code}`) ? t(`${key}.${code}`) : code)
  return {
    conditionLabel: (code: string) => label('monitoring.condition', code),
    stateLabel: (code: string) => label('monitoring.alarm.states', code),
    eventLabel: (code: string) => label('monitoring.alarm.events', code),
    priorityLabel: (code: string) => label('monitoring.priority', code),
    kindLabel: (code: string) => label('monitoring.kind', code),
  }
}
