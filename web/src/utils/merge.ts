// Deep merge of plain message trees (used to combine module locales).
export interface MessageTree {
  [key: string]: string | MessageTree
}

function isTree(value: unknown): value is MessageTree {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

export function mergeMessages(...parts: MessageTree[]): MessageTree {
  const out: MessageTree = {}
  for (const part of parts) {
    for (const [key, value] of Object.entries(part)) {
      const existing = out[key]
      out[key] = isTree(existing) && isTree(value) ? mergeMessages(existing, value) : value
    }
  }
  return out
}
