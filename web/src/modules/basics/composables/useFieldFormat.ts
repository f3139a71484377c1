// Display text of a register value by field type: refs through the row's labels, enums through
// their options in the current language, dates as stored, datetimes in local time.
import { useI18n } from 'vue-i18n'
import { formatDateTime } from '@/utils/format'
import type { FieldMeta, RegisterRow } from '../types'
import { useRegisters } from './useRegisters'

export function isEmpty(value: unknown): boolean {
  return value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)
}

export function useFieldFormat() {
  const { t } = useI18n()
  const { optionLabel } = useRegisters()

  /** List values (enums, tags) as separate labels for tags. */
  function items(field: FieldMeta, row: RegisterRow): string[] {
    const value = row.values[field.key]
    if (!Array.isArray(value)) return []
    if (field.type === 'enums') return value.map((code) => optionLabel(field, code))
    return value.map((v) => String(v))
  }

  /** One line of text for a value ('' when empty). */
  function text(field: FieldMeta, row: RegisterRow): string {
    const value = row.values[field.key]
    if (isEmpty(value)) return ''
    switch (field.type) {
      case 'ref':
        return row.labels[field.key] ?? `#${String(value)}`
      case 'enum':
        return optionLabel(field, value)
      case 'enums':
      case 'tags':
        return items(field, row).join(t('basics.common.listSeparator'))
      case 'bool':
        return value ? t('common.yes') : t('common.no')
      case 'datetime':
        return formatDateTime(String(value))
      case 'files':
        return t('basics.attachments.count', { n: Array.isArray(value) ? value.length : 0 })
      default:
        return String(value)
    }
  }

  return { text, items }
}
