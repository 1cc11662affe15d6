/**
 * Bisection for the conjuncts of a refused `q`: which one is blamed, and how many questions it costs Bitbucket.
 */
import { findRefusedConjuncts } from '../../src/plan/find-refused-conjuncts';

const rows: Array<{ conjuncts: string[]; refused: string[]; blamed: string[]; questions: number }> = [
  { conjuncts: ['a'], refused: ['a'], blamed: ['a'], questions: 0 },
  { conjuncts: ['a', 'b'], refused: ['b'], blamed: ['b'], questions: 1 },
  { conjuncts: ['a', 'b'], refused: ['a'], blamed: ['a'], questions: 1 },
  { conjuncts: ['a', 'b', 'c'], refused: ['c'], blamed: ['c'], questions: 1 },
  { conjuncts: ['a', 'b', 'c'], refused: ['a'], blamed: ['a'], questions: 2 },
  { conjuncts: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'], refused: ['f'], blamed: ['f'], questions: 3 },
  // Two culprits: one is found now, the other by the next (refused again) attempt.
  { conjuncts: ['a', 'b', 'c', 'd'], refused: ['a', 'd'], blamed: ['a'], questions: 2 },
];

describe('findRefusedConjuncts', () => {
  test.each(rows.map((row) => [`${row.conjuncts.join(' AND ')} with ${row.refused.join(', ')} refused`, row] as const))('%s', async (_name, row) => {
    let questions = 0;
    const accepts = async (subset: readonly string[]) => {
      questions += 1;
      return !subset.some((conjunct) => row.refused.includes(conjunct));
    };
    expect(await findRefusedConjuncts(row.conjuncts, accepts)).toEqual(row.blamed);
    expect(questions).toBe(row.questions);
  });
});
