// Options of reference fields: sites, areas and departments come from the plant module (loaded
// once); contractors, people, units, equipment and interlocks are searched in their registers.
import { shallowRef } from 'vue'
import type { Area, Department, Site } from '@/api/types'
import { plantApi } from '@/modules/plant/api'
import { useAuthStore } from '@/stores/auth'
import { basicsApi } from '../api'
import type { RefKind, RegisterRow } from '../types'

export interface RefOption {
  value: number
  label: string
  /** the site of an area (areas are picked within the row's site) */
  siteId?: number
}

/** Which register a reference kind lives in. */
export const REF_REGISTERS: Partial<Record<RefKind, string>> = {
  contractor: 'contractors',
  person: 'people',
  process: 'processes',
  equipment: 'equipment',
  interlock: 'interlocks',
}

export const PLANT_KINDS: RefKind[] = ['site', 'area', 'department']

const sites = shallowRef<Site[]>([])
const areas = shallowRef<Area[]>([])
const departments = shallowRef<Department[]>([])
let plantLoading: Promise<void> | null = null

function str(value: unknown): string {
  return value === null || value === undefined ? '' : String(value)
}

/** The option of a register row: its code/tag and name, or a person's name and position. */
export function rowOption(kind: RefKind, row: RegisterRow): RefOption {
  const v = row.values
  let label: string
  switch (kind) {
    case 'person':
      label = [str(v.name), str(v.position) || row.labels.department_id || ''].filter(Boolean).join(' · ')
      break
    case 'contractor':
      label = str(v.name)
      break
    case 'process':
      label = `${str(v.code)} ${str(v.name)}`
      break
    default:
      label = `${str(v.tag)} ${str(v.name)}`
  }
  return { value: row.id, label: label.trim() || `#${row.id}` }
}

export function useRefLookups() {
  const auth = useAuthStore()

  function loadPlant(): Promise<void> {
    if (!auth.can('plant.read')) return Promise.resolve()
    plantLoading ??= Promise.all([plantApi.sites(), plantApi.areas(), plantApi.departments()])
      .then(([s, a, d]) => {
        sites.value = s
        areas.value = a
        departments.value = d
      })
      .catch(() => {
        plantLoading = null
      })
    return plantLoading
  }

  /** Options of a plant reference (areas labelled "code name"). */
  function plantOptions(kind: RefKind): RefOption[] {
    if (kind === 'site') return sites.value.map((s) => ({ value: s.id, label: s.name }))
    if (kind === 'department') return departments.value.map((d) => ({ value: d.id, label: d.name }))
    if (kind === 'area') {
      const many = sites.value.length > 1
      const siteName = new Map(sites.value.map((s) => [s.id, s.name]))
      return areas.value.map((a) => ({
        value: a.id,
        siteId: a.site_id,
        label: many ? `${siteName.get(a.site_id) ?? ''} / ${a.name}` : a.name,
      }))
    }
    return []
  }

  /** Remote search in the register of `kind` (first 20 matches). */
  async function searchRows(kind: RefKind, q: string): Promise<RefOption[]> {
    const register = REF_REGISTERS[kind]
    if (!register) return []
    const page = await basicsApi.rows(register, { q: q.trim() || undefined, page_size: 20 })
    return page.items.map((row) => rowOption(kind, row))
  }

  return { loadPlant, plantOptions, searchRows }
}
