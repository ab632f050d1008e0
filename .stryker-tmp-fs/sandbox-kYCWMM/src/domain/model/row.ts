// @ts-nocheck
// A stored row as the features read it: its cells as text by column name (null
// where the column is NULL, absent where it was not selected). Export's
// selection, its record builders and rules, and import's reconciliation all
// speak of rows in this shape.
export type Row = Readonly<Record<string, string | null | undefined>>;
