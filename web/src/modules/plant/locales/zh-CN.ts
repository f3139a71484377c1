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
      site_not_found: '厂区不存在',
    },
  },
}

export default zhCN
export type PlantMessages = typeof zhCN
