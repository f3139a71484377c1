// Audit module strings (source language).
const zhCN = {
  audit: {
    menu: '审计日志',
    seq: '序号',
    ts: '时间',
    actor: '操作人',
    action: '操作',
    target: '对象',
    ip: 'IP 地址',
    result: '结果',
    detail: '详情',
    dateRange: '时间范围',
    start: '开始时间',
    end: '结束时间',
    actorPlaceholder: '操作人用户名',
    actionPlaceholder: '操作编码，如 identity.login',
    system: '系统',
    results: {
      ok: '成功',
      denied: '拒绝',
      failed: '失败',
    },
    verify: '校验哈希链',
    verifyOk: '审计日志完整：已校验 {checked} 条记录，哈希链未被篡改。',
    verifyBad: '审计日志校验失败：第 {seq} 条记录起哈希链不一致（已校验 {checked} 条）。',
    verifyTitle: '哈希链校验',
  },
}

export default zhCN
export type AuditMessages = typeof zhCN
