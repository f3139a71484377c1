// Reference data for user administration (departments, sites, areas), loaded on demand.
import { computed, ref } from 'vue'
import type { Department, Site } from '@/api/types'
import { plantApi } from '@/modules/plant/api'
import { useAuthStore } from '@/stores/auth'

export interface TreeOption {
  value: number
  label: string
  children?: TreeOption[]
}

export interface AreaOption {
  id: number
  label: string
}

const departments = ref<Department[]>([])
const sites = ref<Site[]>([])
const areas = ref<AreaOption[]>([])
let deptPromise: Promise<void> | null = null
let sitePromise: Promise<void> | null = null
let areaPromise: Promise<void> | null = null

export function useLookups() {
  const auth = useAuthStore()
  // departments, sites and areas are plant data (plant.read); without it the lists stay empty
  const allowed = () => auth.can('plant.read')

  const departmentName = computed(() => {
    const byId = new Map(departments.value.map((d) => [d.id, d.name]))
    return (id: number | null) => (id === null ? '' : (byId.get(id) ?? `#${id}`))
  })

  /** Departments as a tree for el-tree-select (roots have parent_id null or an unknown parent). */
  const departmentTree = computed<TreeOption[]>(() => {
    const nodes = new Map<number, TreeOption>(departments.value.map((d) => [d.id, { value: d.id, label: d.name }]))
    const roots: TreeOption[] = []
    for (const d of departments.value) {
      const node = nodes.get(d.id)
      const parent = d.parent_id === null ? undefined : nodes.get(d.parent_id)
      if (!node) continue
      if (parent) (parent.children ??= []).push(node)
      else roots.push(node)
    }
    return roots
  })

  function loadDepartments(): Promise<void> {
    if (!allowed()) return Promise.resolve()
    deptPromise ??= plantApi
      .departments()
      .then((list) => {
        departments.value = list
      })
      .catch(() => {
        deptPromise = null
      })
    return deptPromise
  }

  function loadSites(): Promise<void> {
    if (!allowed()) return Promise.resolve()
    sitePromise ??= plantApi
      .sites()
      .then((list) => {
        sites.value = list
      })
      .catch(() => {
        sitePromise = null
      })
    return sitePromise
  }

  /** Areas of all sites; labelled "site / area" when there is more than one site. */
  function loadAreas(): Promise<void> {
    if (!allowed()) return Promise.resolve()
    areaPromise ??= Promise.all([loadSites(), plantApi.areas()])
      .then(([, list]) => {
        const siteName = new Map(sites.value.map((s) => [s.id, s.name]))
        const many = sites.value.length > 1
        areas.value = list.map((a) => ({
          id: a.id,
          label: many ? `${siteName.get(a.site_id) ?? a.site_id} / ${a.code} ${a.name}` : `${a.code} ${a.name}`,
        }))
      })
      .catch(() => {
        areaPromise = null
      })
    return areaPromise
  }

  return { departments, departmentTree, sites, areas, departmentName, loadDepartments, loadSites, loadAreas }
}
