// Human-readable labels for audit entries: action codes, target types and detail keys.
// A code or key without a translation falls back to the raw text (new backend actions stay visible).
import { useI18n } from 'vue-i18n'
import type { AuditEntry } from '@/api/types'
import { formatDateTime } from '@/utils/format'
import zhCN from '../locales/zh-CN'

const messages = zhCN.audit

/** True when `path` leads to a string in `tree` (own properties only, so "constructor" is not a key). */
function hasMessage(tree: object, path: string[]): boolean {
  let node: unknown = tree
  for (const part of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, part)) return false
    node = (node as Record<string, unknown>)[part]
  }
  return typeof node === 'string'
}

export type Primitive = string | number | boolean | null

export interface DetailRow {
  key: string
  label: string
  /** a single value, a list of simple values (shown as tags), or compact JSON for anything nested */
  kind: 'text' | 'list' | 'json'
  text: string
  items: string[]
}

function isPrimitive(value: unknown): value is Primitive {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value)
}

// detail values that are timestamps
const DATE_KEYS = new Set(['locked_until'])

export function useAuditLabels() {
  const { t } = useI18n()

  /** Localised name of an action code, or null when the code is unknown. */
  function actionLabel(code: string): string | null {
    const path = code.split('.')
    return path.length === 2 && hasMessage(messages.actions, path) ? t(`audit.actions.${code}`) : null
  }

  function targetText(entry: AuditEntry): string {
    const type = entry.target_type
    if (!type) return ''
    const name = hasMessage(messages.targets, [type]) ? t(`audit.targets.${type}`) : type
    return entry.target_id ? `${name} #${entry.target_id}` : name
  }

  function keyLabel(key: string): string {
    return hasMessage(messages.detailKeys, [key]) ? t(`audit.detailKeys.${key}`) : key
  }

  function valueText(key: string, value: Primitive): string {
    if (value === null || value === '') return '—'
    if (typeof value === 'boolean') return t(value ? 'common.yes' : 'common.no')
    if (typeof value === 'string' && DATE_KEYS.has(key)) return formatDateTime(value)
    return String(value)
  }

  function detailRows(entry: AuditEntry): DetailRow[] {
    return Object.entries(entry.detail ?? {}).map(([key, value]): DetailRow => {
      const row = { key, label: keyLabel(key), text: '', items: [] as string[] }
      if (isPrimitive(value)) return { ...row, kind: 'text', text: valueText(key, value) }
      if (Array.isArray(value) && value.every(isPrimitive)) {
        return { ...row, kind: 'list', items: value.map((v) => valueText(key, v)) }
      }
      return { ...row, kind: 'json', text: JSON.stringify(value) }
    })
  }

  return { actionLabel, targetText, detailRows }
}
