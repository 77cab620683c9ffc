// Copyright 2026 the terse authors. MIT License.
import React, { useState } from "react";

/** Props of a panel. */
interface PanelProps {
  title: string;
  items: readonly string[];
  onPick?: (item: string) => void; // called on a click
}

type Sort = "asc" | "desc";

export function Panel({ title, items, onPick }: PanelProps): JSX.Element {
  const [sort, setSort] = useState<Sort>("asc");
  const sorted = [...items].sort((a, b) => (sort === "asc" ? a.localeCompare(b) : b.localeCompare(a)));
  /* the header toggles the order */
  return (
    <div className="panel">
      <h2 onClick={() => setSort(sort === "asc" ? "desc" : "asc")}>
        {title} ({sorted.length})
      </h2>
      <ul>
        {sorted.map((it) => (
          <li key={it} onClick={() => onPick?.(it)}>
            {it}
          </li>
        ))}
      </ul>
    </div>
  );
}

export class Counter extends React.Component<{ start: number }, { n: number }> {
  state = { n: this.props.start };

  inc = (): void => {
    this.setState({ n: this.state.n + 1 });
  };

  render() {
    const re = /a+b/g;
    return <button onClick={this.inc}>{this.state.n - -1} {String(re)}</button>;
  }
}
