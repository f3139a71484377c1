// Plant module strings (source language).
const zhCN = {
  plant: {
    home: {
      site: '厂区',
      size: '{w} × {h} 米',
      noSite: '尚未配置厂区',
      selectedArea: '选中区域',
      areaName: '名称',
      areaCode: '编码',
      areaKind: '类型',
      areaCount: '{n} 个区域',
      fit: '全图',
    },
  },
  errors: {
    plant: {
      enterprise_missing: '尚未登记企业信息',
      site_not_found: '厂区不存在',
      area_not_found: '区域不存在',
      department_not_found: '部门不存在',
      code_taken: '编码 {code} 已被使用',
      no_drawing: '该厂区尚无图纸',
    },
  },
}

export default zhCN
export type PlantMessages = typeof zhCN
