import dayjs from 'dayjs'

/** Formats an ISO timestamp for tables; empty string for null. */
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return ''
  const d = dayjs(value)
  return d.isValid() ? d.format('YYYY-MM-DD HH:mm:ss') : value
}

/** Reads one cookie by name (non-HttpOnly cookies only). */
export function readCookie(name: string): string | null {
  const prefix = `${name}=`
  for (const part of document.cookie.split(';')) {
    const item = part.trim()
    if (item.startsWith(prefix)) return decodeURIComponent(item.slice(prefix.length))
  }
  return null
}
