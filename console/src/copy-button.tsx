import { useState } from 'preact/hooks';

/** Copies `text` with the async Clipboard API and says so in a polite live region (WAI-ARIA `status`). */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [said, setSaid] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setSaid('Copied');
    } catch {
      setSaid('Copy failed: select the text and copy it by hand');
    }
    setTimeout(() => setSaid(''), 4000);
  };
  return (
    <span class="copy">
      <button type="button" class="secondary" onClick={copy} aria-label={label}>
        Copy
      </button>
      <span role="status" class="copy-status">
        {said}
      </span>
    </span>
  );
}
