/**
 * Which conjuncts of a BBQL `q` Bitbucket refuses, given that it refused them all ANDed together. Bitbucket refuses a
 * `q` naming a field it does not support with a 400, and on some fields with a 500 (BCLOUD-22709; evidence row 12);
 * its message is not a contract, so the culprit is found by asking, never by reading the message.
 *
 * Strategy: bisection. Ask about the first half alone; if Bitbucket accepts it, the refusal lies in the second half
 * (not asked: it is the refused rest), else in the first. One culprit among k conjuncts costs ⌈log2 k⌉ questions
 * (most `q`s hold one to three conjuncts: one question at most), where asking each conjunct alone would cost k. A
 * second culprit in the half not searched is found by the next attempt, which is refused again and searches what is
 * left: every round withdraws at least one conjunct, so it ends.
 */
export async function findRefusedConjuncts<T>(conjuncts: readonly T[], accepts: (subset: readonly T[]) => Promise<boolean>): Promise<T[]> {
  if (conjuncts.length <= 1) return [...conjuncts];
  const half = Math.ceil(conjuncts.length / 2);
  const first = conjuncts.slice(0, half);
  return findRefusedConjuncts((await accepts(first)) ? conjuncts.slice(half) : first, accepts);
}
