// Plant endpoints: sites, site map (areas as GeoJSON), areas, departments.
import { http } from '@/api/http'
import type { Area, AreaQuery, Department, Site, SiteMap } from '@/api/types'

export const plantApi = {
  sites: () => http.get<Site[]>('/plant/sites'),
  siteMap: (siteId: number) => http.get<SiteMap>(`/plant/sites/${siteId}/map`),
  areas: (query: AreaQuery = {}) => http.get<Area[]>('/plant/areas', { ...query }),
  departments: () => http.get<Department[]>('/plant/departments'),
}
