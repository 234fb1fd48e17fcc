import { useState, type ReactNode } from 'react';
import type { SourceFile } from '../../core/data/types';
import { fromDrop } from '../../io/browserFiles';

/**
 * A box that takes dropped files and folders (walked into files with their paths), highlighted
 * while something is dragged over it; its children are the "or choose…" controls beside the drop.
 */
export function DropZone(props: { testId: string; onFiles: (files: SourceFile[]) => void | Promise<void>; children: ReactNode }) {
  const [over, setOver] = useState(false);
  return (
    <div
      className={`drop-zone${over ? ' drag-over' : ''}`}
      data-testid={props.testId}
      onDragOver={(e) => {
        // Without preventDefault the browser opens the dropped file instead of handing it over.
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={async (e) => {
        e.preventDefault();
        setOver(false);
        await props.onFiles(await fromDrop(e.dataTransfer.items));
      }}
    >
      {props.children}
    </div>
  );
}
