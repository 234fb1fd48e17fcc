import type { ReactNode } from 'react';

/** One notebook cell: a numbered title, an optional note, and its form or output. */
export function Cell(props: { index: number; title: string; note?: string; children: ReactNode; testId?: string }) {
  return (
    <section className="cell" data-testid={props.testId}>
      <header className="cell-head">
        <span className="cell-index">[{props.index}]</span>
        <h2>{props.title}</h2>
        {props.note && <span className="cell-note">{props.note}</span>}
      </header>
      <div className="cell-body">{props.children}</div>
    </section>
  );
}
