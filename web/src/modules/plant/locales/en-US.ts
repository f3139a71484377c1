import type { PlantMessages } from './zh-CN'

const enUS: PlantMessages = {
  plant: {
    home: {
      site: 'Site',
      size: '{w} × {h} m',
      noSite: 'No site has been set up yet',
      selectedArea: 'Selected area',
      areaName: 'Name',
      areaCode: 'Code',
      areaKind: 'Kind',
      areaCount: '{n} areas',
      fit: 'Fit',
    },
  },
  errors: {
    plant: {
      site_not_found: 'Site not found',
    },
  },
}

export default enUS
