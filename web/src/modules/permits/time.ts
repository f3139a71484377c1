// Plant time: the demo plant and the rules run on Asia/Shanghai (UTC+8 all year, no daylight saving),
// whatever the time zone of the device. Times are shown and entered in plant time; the API gets ISO
// strings with the +08:00 offset.
import dayjs from 'dayjs'
import utc from 'dayjs/plugin/utc'

dayjs.extend(utc)

export const PLANT_OFFSET_MIN = 480
const OFFSET = '+08:00'

/** An ISO timestamp as plant-local "YYYY-MM-DD HH:mm" ('' for null). */
export function plantTime(value: string | null | undefined, format = 'YYYY-MM-DD HH:mm'): string {
  if (!value) return ''
  const d = dayjs(value)
  return d.isValid() ? d.utcOffset(PLANT_OFFSET_MIN).format(format) : value
}

/** Short form: "MM-DD HH:mm". */
export function plantShort(value: string | null | undefined): string {
  return plantTime(value, 'MM-DD HH:mm')
}

/** A plant-local "YYYY-MM-DDTHH:mm[:ss]" (the pickers' value) as ISO with the plant offset. */
export function plantLocalToIso(local: string): string {
  const withSeconds = local.length === 16 ? `${local}:00` : local
  return `${withSeconds}${OFFSET}`
}

/** Now, or now + days at hh:mm, as the pickers' plant-local value "YYYY-MM-DDTHH:mm:ss". */
export function plantLocal(daysAhead = 0, hour?: number, minute = 0): string {
  let d = dayjs().utcOffset(PLANT_OFFSET_MIN).add(daysAhead, 'day')
  if (hour !== undefined) d = d.hour(hour).minute(minute).second(0)
  return d.format('YYYY-MM-DDTHH:mm:ss')
}

/** Whole minutes from an ISO timestamp to `now` (ms). */
export function minutesSince(value: string, now: number): number {
  return Math.floor((now - dayjs(value).valueOf()) / 60000)
}
