// Area kinds of the plant model and their default map colours (feature.properties.colour wins).
export const AREA_KINDS = [
  'tank_farm',
  'dike',
  'process_unit',
  'warehouse',
  'control_room',
  'office',
  'road',
  'gate',
  'utility',
  'loading',
  'other',
] as const

export type AreaKind = (typeof AREA_KINDS)[number]

const COLOURS: Record<AreaKind, string> = {
  tank_farm: '#e6550d',
  dike: '#8c2d04',
  process_unit: '#d62728',
  warehouse: '#9467bd',
  control_room: '#1f77b4',
  office: '#17becf',
  road: '#7f7f7f',
  gate: '#2ca02c',
  utility: '#bcbd22',
  loading: '#ff7f0e',
  other: '#8c564b',
}

export function isAreaKind(kind: string): kind is AreaKind {
  return (AREA_KINDS as readonly string[]).includes(kind)
}

export function areaKindColour(kind: string): string {
  return isAreaKind(kind) ? COLOURS[kind] : COLOURS.other
}

/** i18n key of an area kind's label. */
export function areaKindKey(kind: string): string {
  return `map.kinds.${isAreaKind(kind) ? kind : 'other'}`
}
