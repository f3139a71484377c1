import type { AuditMessages } from './zh-CN'

const enUS: AuditMessages = {
  audit: {
    menu: 'Audit log',
    seq: 'Seq',
    ts: 'Time',
    actor: 'Actor',
    action: 'Action',
    target: 'Target',
    ip: 'IP address',
    result: 'Result',
    detail: 'Detail',
    dateRange: 'Time range',
    start: 'Start',
    end: 'End',
    actorPlaceholder: 'Actor username',
    actionPlaceholder: 'Action code, e.g. identity.login',
    system: 'System',
    results: {
      ok: 'OK',
      denied: 'Denied',
      failed: 'Failed',
    },
    verify: 'Verify hash chain',
    verifyOk: 'The audit log is intact: {checked} records checked, the hash chain is unbroken.',
    verifyBad: 'Audit log verification failed: the hash chain breaks at record {seq} ({checked} checked).',
    verifyTitle: 'Hash chain check',
  },
}

export default enUS
