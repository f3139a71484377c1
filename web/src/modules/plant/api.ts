// Plant endpoints: sites, site map (areas as GeoJSON), departments.
import { http } from '@/api/http'
import type { Department, Site, SiteMap } from '@/api/types'

export const plantApi = {
  sites: () => http.get<Site[]>('/plant/sites'),
  siteMap: (siteId: number) => http.get<SiteMap>(`/plant/sites/${siteId}/map`),
  departments: () => http.get<Department[]>('/plant/departments'),
}
