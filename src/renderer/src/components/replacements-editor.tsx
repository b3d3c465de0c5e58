import { useState, type JSX } from 'react';
import type { ReplacementRule } from '../../../shared/settings.ts';

/** "Say X → write Y" rules, applied by the dictation formatter to every final. */
export function ReplacementsEditor({ rules, onChange }: { rules: readonly ReplacementRule[]; onChange(rules: ReplacementRule[]): void }): JSX.Element {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const add = () => {
    if (from.trim() === '') return;
    onChange([...rules.filter((r) => r.from.toLowerCase() !== from.trim().toLowerCase()), { from: from.trim(), to }]);
    setFrom('');
    setTo('');
  };
  return (
    <fieldset className="replacements">
      <legend>Replacements</legend>
      {rules.length === 0 && <p className="muted">No replacements yet.</p>}
      <ul>
        {rules.map((r) => (
          <li key={r.from}>
            <span>
              say <q>{r.from}</q> → write <q>{r.to}</q>
            </span>
            <button type="button" className="danger" onClick={() => onChange(rules.filter((x) => x !== r))} aria-label={`Remove replacement for ${r.from}`}>
              Remove
            </button>
          </li>
        ))}
      </ul>
      <form
        className="replacement-add"
        onSubmit={(e) => {
          e.preventDefault();
          add();
        }}
      >
        <label className="field">
          <span>When I say</span>
          <input value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label className="field">
          <span>Write</span>
          <input value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <button type="submit" disabled={from.trim() === ''}>
          Add
        </button>
      </form>
    </fieldset>
  );
}
