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

/** An ISO timestamp as its plant day "YYYY-MM-DD" ('' for none or an invalid one). */
export function plantDay(value: string | null | undefined): string {
  return plantTime(value, 'YYYY-MM-DD')
}

/** The plant midnight starting a day "YYYY-MM-DD", as ISO with the plant offset. */
export function dayStartIso(day: string): string {
  return `${day}T00:00:00${OFFSET}`
}

/** The plant midnight after a day "YYYY-MM-DD" (the exclusive end of a range that includes the day). */
export function dayEndIso(day: string): string {
  return `${dayjs(day).add(1, 'day').format('YYYY-MM-DD')}T00:00:00${OFFSET}`
}

/** The last plant day of a range given by its exclusive end (an ISO timestamp). */
export function lastDayBefore(endIso: string): string {
  const d = dayjs(endIso)
  return d.isValid() ? d.subtract(1, 'millisecond').utcOffset(PLANT_OFFSET_MIN).format('YYYY-MM-DD') : ''
}

/** This plant month as [first day, last day] ("YYYY-MM-DD"). */
export function plantMonth(monthsAgo = 0): [string, string] {
  const d = dayjs().utcOffset(PLANT_OFFSET_MIN).subtract(monthsAgo, 'month')
  return [d.startOf('month').format('YYYY-MM-DD'), d.endOf('month').format('YYYY-MM-DD')]
}

/** Today's plant date "YYYY-MM-DD". */
export function plantToday(): string {
  return dayjs().utcOffset(PLANT_OFFSET_MIN).format('YYYY-MM-DD')
}
