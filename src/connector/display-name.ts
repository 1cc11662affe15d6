/**
 * Human labels from OData names, for `x-ms-summary` (Title Case, per the Power Platform extension guidance) and for
 * operation summaries (sentence case): `AuthorDisplayName` → `Author Display Name`, `PullRequests` → `pull requests`.
 */

/** Split PascalCase into words, keeping acronyms together (`IsPRMerged` → `Is PR Merged`). */
function words(name: string): string[] {
  return name.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g) ?? [name];
}

export function titleCase(name: string): string {
  return words(name).join(' ');
}

export function lowerWords(name: string): string {
  return words(name)
    .map((word) => (word.length > 1 && word === word.toUpperCase() ? word : word.toLowerCase()))
    .join(' ');
}

/** "a pull request", "an action": the article English puts before the lower-case words. */
export function withArticle(phrase: string): string {
  return /^[aeiou]/i.test(phrase) ? `an ${phrase}` : `a ${phrase}`;
}

/** `RequestReview` → `Request review`. */
export function sentenceCase(name: string): string {
  const lower = lowerWords(name);
  return lower.charAt(0).toUpperCase() + lower.slice(1);
}
