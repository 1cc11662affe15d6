/** Escapes text for the `html` rendering of a markup field. */
function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

/**
 * A `{raw, markup, html}` text as Bitbucket renders user content. Bitbucket also sends `type: "rendered"`, but the
 * official schema closes these objects (`additionalProperties: false`), so the sandbox leaves `type` out.
 * The html is a plain paragraph rendering, not a Markdown renderer: enough for clients that show it.
 */
export function rendered(raw: string): { raw: string; markup: 'markdown'; html: string } {
  return { raw, markup: 'markdown', html: raw === '' ? '' : `<p>${escapeHtml(raw).replace(/\n/g, '<br>')}</p>` };
}
