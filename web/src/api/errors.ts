// Turns an error into a user-facing message: i18n key `errors.<code>`, else the server message.
import { i18n } from '@/i18n'
import { formatDateTime } from '@/utils/format'
import { ApiError } from './http'

const DATE_PARAMS = new Set(['until', 'since', 'at', 'expires_at'])

function translateParams(params: Record<string, unknown>): Record<string, string> {
  const { t, te } = i18n.global
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(params)) {
    if (Array.isArray(value)) {
      // e.g. weak_password reasons: translate each reason code when a key exists
      out[key] = value
        .map((item) => {
          const k = `errors.reasons.${String(item)}`
          return te(k) ? t(k) : String(item)
        })
        .join(i18n.global.locale.value === 'zh-CN' ? '；' : '; ')
    } else if (typeof value === 'string' && DATE_PARAMS.has(key)) {
      out[key] = formatDateTime(value)
    } else {
      out[key] = value === null || value === undefined ? '' : String(value)
    }
  }
  return out
}

export function errorMessage(error: unknown): string {
  const { t, te } = i18n.global
  if (error instanceof ApiError) {
    const key = `errors.${error.code}`
    if (te(key)) return t(key, translateParams(error.params))
    if (error.message) return error.message
    return t('errors.http', { status: error.status })
  }
  if (error instanceof Error && error.message) return error.message
  return t('errors.unknown')
}
