/** A taxon people mistake another for: how often the two were confused, and whether they share a parent. */
export interface LookAlike {
  taxonId: string;
  /** Times the two were confused: the AI against the confirmed answer, trainees' wrong answers. */
  confusions: number;
  /** Under the same parent (genus, family) at the same rank. */
  sibling: boolean;
}
