// Small helpers of the module's entry forms: what an edit sends.

/** A trimmed text, or null when it is empty (optional text fields). */
export const orNull = (s: string): string | null => (s.trim() ? s.trim() : null)

/** The same ids in the same order (an attachment list left as it was is not sent). */
export const sameIds = (a: number[], b: number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i])
