import { type JSX } from 'react';

export function App(): JSX.Element {
  return (
    <main>
      <h1>Earshot</h1>
      <p data-testid="status">Ready to dictate.</p>
    </main>
  );
}
