import { useEffect, useState } from 'react';
import type { SourceFile } from '../../core/data/types';
import { readCsvHeader, type CsvHeader } from '../../state/textSpecForm';

/**
 * The header of the chosen CSV among the files, read once per file (null while it is read, or
 * when `path` is not a chosen file). A thin hook: the reading is `readCsvHeader`'s.
 */
export function useCsvHeader(files: readonly SourceFile[], path: string | null): CsvHeader | null {
  const [read, setRead] = useState<{ files: readonly SourceFile[]; header: CsvHeader } | null>(null);
  useEffect(() => {
    if (!path) return;
    let live = true;
    readCsvHeader(files, path).then(
      (header) => live && header && setRead({ files, header }),
      () => undefined,
    );
    return () => void (live = false);
  }, [files, path]);
  // A header read for other files, or for the CSV chosen before, is not this one's.
  return read && read.files === files && read.header.path === path ? read.header : null;
}
