import { type JSX } from 'react';

/** Final text, then the provisional partial (lighter, italic) that may still change. */
export function LiveTranscript({ text, partial }: { text: string; partial: string }): JSX.Element {
  const empty = text === '' && partial === '';
  return (
    <section className="transcript" aria-label="Transcript">
      <p className="transcript-text" aria-live="polite" data-testid="transcript">
        <span className="final-text" data-testid="final-text">
          {text}
        </span>
        {partial && (
          <span className="partial-text" data-testid="partial-text" title="Provisional: may still change">
            {partial}
          </span>
        )}
        {empty && <span className="transcript-placeholder">Your words appear here as you speak.</span>}
      </p>
    </section>
  );
}
