// Display helpers of the module: the 红橙黄蓝 palette, grade tags, the calculation sheet parsed from
// its loose JSON, exact decimal text (the backend writes 500 as "5E+2") and risk reasons.
import { currentLocale } from '@/i18n'
import { COLOURS, type Colour, type InputLine, type Reason, type SheetLine } from './types'

/** National four-colour convention (红橙黄蓝); text colour readable on each. */
export const COLOUR_HEX: Record<Colour, string> = {
  red: '#e60012',
  orange: '#f58220',
  yellow: '#f5c400',
  blue: '#1f6fd1',
}
export const COLOUR_TEXT: Record<Colour, string> = {
  red: '#ffffff',
  orange: '#ffffff',
  yellow: '#1d1e1f',
  blue: '#ffffff',
}

export function isColour(value: unknown): value is Colour {
  return typeof value === 'string' && (COLOURS as readonly string[]).includes(value)
}

/** A colour from the server, unknown values shown as blue (lowest). */
export function asColour(value: unknown): Colour {
  return isColour(value) ? value : 'blue'
}

/** Grade 1..4 (一级 … 四级) → the colour of its tag (一级 red … 四级 blue). */
export const GRADE_COLOUR: Record<number, Colour> = { 1: 'red', 2: 'orange', 3: 'yellow', 4: 'blue' }

/** 表6 band of a grade, as printed. */
export const GRADE_BAND: Record<number, string> = {
  1: 'R ≥ 100',
  2: '100 > R ≥ 50',
  3: '50 > R ≥ 10',
  4: 'R < 10',
}

/** Decimal text without exponent ("5E+2" → "500", "1.5E-3" → "0.0015"), digits kept exactly. */
export function plainDecimal(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—'
  const text = String(value).trim()
  const m = /^([-+]?)(\d*)(?:\.(\d*))?[eE]([-+]?\d+)$/.exec(text)
  if (!m) return text
  const sign = m[1] === '-' ? '-' : ''
  const int = m[2] ?? ''
  const frac = m[3] ?? ''
  const digits = `${int}${frac}`
  const point = int.length + Number(m[4])
  let out: string
  if (point <= 0) out = `0.${'0'.repeat(-point)}${digits}`
  else if (point >= digits.length) out = `${digits}${'0'.repeat(point - digits.length)}`
  else out = `${digits.slice(0, point)}.${digits.slice(point)}`
  out = out.replace(/^0+(?=\d)/, '')
  if (out.includes('.')) out = out.replace(/\.?0+$/, '')
  return sign + out
}

/** A float from the unit list shown with at most 4 decimals. */
export function formatNumber(value: number | null | undefined, places = 4): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—'
  return String(Number(value.toFixed(places)))
}

function str(value: unknown): string {
  return value === null || value === undefined ? '' : String(value)
}

/** The sheet lines of an assessment (loose JSON from the server). */
export function parseSheet(sheet: Record<string, unknown>[] | null | undefined): SheetLine[] {
  return (sheet ?? []).map((ln) => ({
    name: str(ln.name),
    q_t: str(ln.q_t),
    Q_t: str(ln.Q_t),
    Q_basis: str(ln.Q_basis),
    ratio: str(ln.ratio),
    beta: str(ln.beta),
    beta_basis: str(ln.beta_basis),
    beta_ambiguous: ln.beta_ambiguous === true,
    weighted: str(ln.weighted),
  }))
}

/** The substances recorded in an assessment's inputs, in sheet order. */
export function parseInputs(inputs: Record<string, unknown> | null | undefined): InputLine[] {
  const list = inputs?.substances
  if (!Array.isArray(list)) return []
  return list
    .filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null)
    .map((x) => ({
      substance_id: typeof x.substance_id === 'number' ? x.substance_id : null,
      name: str(x.name),
      cas: typeof x.cas === 'string' ? x.cas : null,
      table1_no: typeof x.table1_no === 'number' ? x.table1_no : null,
      classes: Array.isArray(x.classes) ? x.classes.map(str) : [],
      classes_from: str(x.classes_from),
      containers: typeof x.containers === 'string' ? x.containers : null,
    }))
}

/** Reasons [[label, points], …] as objects (malformed entries are skipped). */
export function parseReasons(reasons: unknown[][] | null | undefined): Reason[] {
  const out: Reason[] = []
  for (const r of reasons ?? []) {
    if (!Array.isArray(r) || typeof r[0] !== 'string') continue
    const points = Number(r[1])
    // [label zh-CN, points, label en-US]; the English label is absent from reasons stored earlier
    const label = currentLocale() === 'en-US' && typeof r[2] === 'string' && r[2] ? r[2] : r[0]
    out.push({ label, points: Number.isFinite(points) ? points : 0 })
  }
  return out
}
