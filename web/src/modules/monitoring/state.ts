// Display states of points and alarms and their colours (one palette for tiles, the map and charts).
// ISA-101 style: colour is reserved for abnormal states; priority sets the alarm colour.

export const PRIORITIES = ['urgent', 'high', 'medium', 'low'] as const
export type Priority = (typeof PRIORITIES)[number]
export const CONDITIONS = ['HH', 'H', 'L', 'LL', 'ROC', 'BAD', 'STALE', 'PRE'] as const

/** What a tile or a map marker shows, worst first. */
export type PointState = Priority | 'pre' | 'bad' | 'stale' | 'normal' | 'unknown'

export const PRIORITY_RANK: Record<string, number> = { urgent: 0, high: 1, medium: 2, low: 3 }

export const STATE_COLOURS: Record<PointState, string> = {
  urgent: '#d4001a',
  high: '#f07800',
  medium: '#e6b800',
  low: '#1f8fd6',
  pre: '#8e44ad',
  bad: '#5b5e66',
  stale: '#a8abb2',
  normal: '#3a9e4f',
  unknown: '#c0c4cc',
}

/** Text colour readable on the state colour. */
export function stateTextColour(state: PointState): string {
  return state === 'medium' || state === 'stale' || state === 'unknown' ? '#1d1e1f' : '#ffffff'
}

export function priorityColour(priority: string): string {
  return STATE_COLOURS[(PRIORITIES as readonly string[]).includes(priority) ? (priority as Priority) : 'unknown']
}

/** Rank of a point state for "worst of" (lower is worse). */
const STATE_RANK: Record<PointState, number> = {
  urgent: 0,
  high: 1,
  medium: 2,
  low: 3,
  bad: 4,
  stale: 5,
  pre: 6,
  normal: 7,
  unknown: 8,
}

export function worstState(states: Iterable<PointState>): PointState {
  let worst: PointState = 'normal'
  let any = false
  for (const s of states) {
    if (!any || STATE_RANK[s] < STATE_RANK[worst]) worst = s
    any = true
  }
  return any ? worst : 'unknown'
}

/** Minimal alarm facts needed to colour a point. */
export interface AlarmLike {
  condition: string
  priority: string
  active: boolean
  acked: boolean
  oos: boolean
  suppressed: boolean
  shelved_until: string | null
}

export function isShelved(alarm: Pick<AlarmLike, 'shelved_until'>, now = Date.now()): boolean {
  return !!alarm.shelved_until && Date.parse(alarm.shelved_until) > now
}

/** The state an active alarm gives its point (null when it does not show: inactive, shelved, out of service). */
export function alarmPointState(alarm: AlarmLike, now = Date.now()): PointState | null {
  if (!alarm.active || alarm.oos || alarm.suppressed || isShelved(alarm, now)) return null
  if (alarm.condition === 'BAD') return 'bad'
  if (alarm.condition === 'STALE') return 'stale'
  if (alarm.condition === 'PRE') return 'pre'
  return (PRIORITIES as readonly string[]).includes(alarm.priority) ? (alarm.priority as Priority) : 'low'
}

/** Quality code of a value: 0 good, 1 uncertain, 2 bad. */
export const QUALITY_BAD = 2
export const QUALITY_UNCERTAIN = 1

/** Formats a process value with sensible precision for its magnitude. */
export function formatValue(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—'
  const abs = Math.abs(value)
  if (abs >= 1000) return value.toFixed(0)
  if (abs >= 100) return value.toFixed(1)
  if (abs >= 1) return value.toFixed(2)
  return value.toPrecision(3)
}
