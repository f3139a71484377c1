// Due-date badges: red once expired, orange within 7 days, yellow within 30, blue within 90.
import type { DueState, DueStatus } from './types'

export type DueLevel = 'expired' | 'd7' | 'd30' | 'd90' | 'valid'

/** The badge level of a due state (days_left decides; the tier only mirrors the configured lead times). */
export function dueLevel(due: { status: DueStatus; days_left: number }): DueLevel {
  if (due.status === 'expired' || due.days_left < 0) return 'expired'
  if (due.days_left <= 7) return 'd7'
  if (due.days_left <= 30) return 'd30'
  if (due.days_left <= 90 || due.status === 'due') return 'd90'
  return 'valid'
}

export const DUE_COLOURS: Record<DueLevel, { bg: string; fg: string }> = {
  expired: { bg: '#f56c6c', fg: '#fff' },
  d7: { bg: '#fa8c16', fg: '#fff' },
  d30: { bg: '#fadb14', fg: '#3d3000' },
  d90: { bg: '#409eff', fg: '#fff' },
  valid: { bg: '#e1f3d8', fg: '#3b7a1f' },
}

/** The most urgent due state of a row, if any needs attention. */
export function worstDue(list: DueState[]): DueState | null {
  let worst: DueState | null = null
  for (const d of list) {
    if (d.status === 'valid') continue
    if (!worst || d.days_left < worst.days_left) worst = d
  }
  return worst
}

/** A summary card of the reminder centre: expired, or due within a lead time (cumulative). */
export type SummaryKey = 'expired' | number

/** Counts per card: expired items, and items due within each lead time. */
export function summaryCounts(items: { status: DueStatus; days_left: number }[], leadDays: number[]): Map<SummaryKey, number> {
  const out = new Map<SummaryKey, number>([['expired', 0], ...leadDays.map((d): [number, number] => [d, 0])])
  for (const i of items) {
    if (i.status === 'expired' || i.days_left < 0) out.set('expired', (out.get('expired') ?? 0) + 1)
    else for (const d of leadDays) if (i.days_left <= d) out.set(d, (out.get(d) ?? 0) + 1)
  }
  return out
}
