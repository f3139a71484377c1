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
      enterprise_missing: 'The enterprise is not registered yet',
      site_not_found: 'Site not found',
      area_not_found: 'Area not found',
      department_not_found: 'Department not found',
      code_taken: 'Code {code} is already used',
      no_drawing: 'The site has no drawing',
    },
  },
}

export default enUS
