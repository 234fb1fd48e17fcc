import { memo, useEffect, useState } from 'react';
import type { SourceFile } from '../../core/data/types';
import { fromFolderInput, fromLooseFiles } from '../../io/browserFiles';
import { unpackArchiveAsync } from '../../io/archive';
import { cachedDatasets, fetchDataset, forgetDataset, type CachedDataset } from '../../io/datasetCache';
import { listSamples, loadSample, type SampleInfo } from '../../io/samples';
import { canLoadSample, canLoadUrl } from '../../state/canRun';
import type { DataCommands } from '../../state/dataActions';
import type { DataState } from '../../state/dataState';
import { Cell } from '../components/Cell';
import { DropZone } from '../components/DropZone';

/**
 * Where the pictures come from: a folder (chooser or drop), loose files (a CSV, `codes.txt` or
 * a zip, added to what is loaded), or a built-in sample.
 */
export const DataSourceCell = memo(function DataSourceCell(props: { commands: DataCommands; files: readonly SourceFile[]; source: string; reselect: DataState['reselect']; matched: DataState['matched'] }) {
  const { commands, files } = props;
  const [samples, setSamples] = useState<SampleInfo[]>([]);
  const [chosen, setChosen] = useState('mnist_tiny');
  const [loading, setLoading] = useState('');

  useEffect(() => {
    listSamples().then(setSamples, () => setSamples([]));
  }, []);

  const onSample = async () => {
    const sample = samples.find((s) => s.name === chosen);
    if (!sample) return;
    setLoading(`Fetching ${sample.name}…`);
    try {
      const loaded = await loadSample(sample, undefined, (d, t) => d % 50 === 0 && setLoading(`Fetching ${sample.name}: ${d}/${t}`));
      await commands.loadFiles(loaded, `sample ${sample.name}`);
    } finally {
      setLoading('');
    }
  };
  const [url, setUrl] = useState('');
  const [urlError, setUrlError] = useState('');
  const [download, setDownload] = useState<{ got: number; total: number } | null>(null);
  const [kept, setKept] = useState<CachedDataset[]>([]);
  const refreshKept = () => void cachedDatasets().then(setKept, () => setKept([]));
  useEffect(refreshKept, []);
  // fastai's untar_data: download (or take from the browser's cache), unpack here, load as a folder.
  const onUrl = async (address: string) => {
    const target = address.trim();
    if (!target) return;
    setUrlError('');
    setLoading(`Downloading ${target}…`);
    try {
      const { bytes, cached } = await fetchDataset(target, (got, total) => {
        setDownload({ got, total });
        setLoading(`Downloading ${mb(got)}${total ? ` of ${mb(total)}` : ''}…`);
      });
      setLoading(`Unpacking ${mb(bytes.length)}${cached ? ' (kept in this browser)' : ''}…`);
      const unpacked = await unpackArchiveAsync(target, bytes);
      refreshKept();
      await commands.loadFiles(unpacked, `${target.split('/').pop()?.split(/[?#]/)[0] ?? target}${cached ? ' (kept)' : ''}`);
    } catch (e) {
      setUrlError((e as Error).message);
    } finally {
      setLoading('');
      setDownload(null);
    }
  };

  const can = { sample: canLoadSample(loading, samples.length), url: canLoadUrl(loading, url) };
  return (
    <Cell index={1} title="Data source" note={props.source ? `${files.length} files from ${props.source}` : 'choose a folder or a sample'}>
      {props.reselect && (
        <p className="notice" data-testid="reselect-notice">
          {props.reselect.paths.length > 0
            ? `The ${props.reselect.paths.length} files of ${props.reselect.source} cannot be read again after a reload without your permission: choose the same folder again and the studio matches the files by path and rebuilds the data block as it was.`
            : `Choose the data of ${props.reselect.source} to train or interpret it again; the saved data block settings are used.`}
        </p>
      )}
      {props.matched && props.matched.expected > 0 && (
        <p className={props.matched.found === props.matched.expected ? 'muted' : 'error'} data-testid="reselect-matched" data-found={props.matched.found} data-expected={props.matched.expected}>
          {props.matched.found} of {props.matched.expected} saved files found again
          {props.matched.missing.length > 0 ? `; missing: ${props.matched.missing.join(', ')}${props.matched.expected - props.matched.found > props.matched.missing.length ? ', …' : ''}` : ''}
        </p>
      )}
      <div className="source-row">
        <DropZone testId="drop-zone" onFiles={(dropped) => commands.loadFiles(dropped, 'dropped folder')}>
          <p>Drop an image folder here, or</p>
          <label className="button">
            Choose folder…
            <input
              type="file"
              data-testid="folder-input"
              // React has no typed prop for these; they make the chooser pick folders.
              {...{ webkitdirectory: '', directory: '' }}
              multiple
              hidden
              onChange={(e) => e.target.files && commands.loadFiles(fromFolderInput(e.target.files), `folder ${folderName(e.target.files)}`)}
            />
          </label>
          <label className="button secondary">
            Add CSV / codes.txt / zip…
            <input
              type="file"
              data-testid="file-input"
              multiple
              hidden
              accept=".csv,.txt,.zip,.json,image/*"
              onChange={async (e) => {
                if (!e.target.files) return;
                const added = await fromLooseFiles(e.target.files);
                await commands.addFiles(added);
              }}
            />
          </label>
        </DropZone>
        <div className="samples">
          <p>Or start from a built-in sample (real MNIST digits, or real e-mails for text):</p>
          <select data-testid="sample-select" value={chosen} onChange={(e) => setChosen(e.target.value)}>
            {samples.map((s) => (
              <option key={s.name} value={s.name}>
                {s.title}
              </option>
            ))}
          </select>
          <button data-testid="sample-load" onClick={onSample} disabled={!can.sample.ok} title={can.sample.why}>
            Load sample
          </button>
          <p className="muted" data-testid="source-loading">
            {loading || samples.find((s) => s.name === chosen)?.description}
          </p>
          <p>Or a dataset's address (.tgz, .tar or .zip), as fastai's untar_data:</p>
          <div className="url-row">
            <input type="url" data-testid="url-input" placeholder="https://…/mnist_tiny.tgz" value={url} onChange={(e) => setUrl(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && onUrl(url)} />
            <button data-testid="url-load" disabled={!can.url.ok} title={can.url.why} onClick={() => onUrl(url)}>
              Download
            </button>
          </div>
          {download && <progress data-testid="url-progress" value={download.got} max={download.total || undefined} />}
          {urlError && (
            <p className="error" data-testid="url-error">
              {urlError}
            </p>
          )}
          {kept.length > 0 && (
            <ul className="kept" data-testid="url-kept">
              {kept.map((k) => (
                <li key={k.url} data-url={k.url} data-bytes={k.bytes}>
                  <button className="link" disabled={!canLoadUrl(loading, k.url).ok} onClick={() => onUrl(k.url)} title={canLoadUrl(loading, k.url).why ?? 'Load it again from this browser, without downloading'}>
                    {k.url.split('/').pop()}
                  </button>{' '}
                  <span className="muted">{mb(k.bytes)} kept in this browser</span>{' '}
                  <button className="link" data-testid="url-forget" onClick={() => forgetDataset(k.url).then(refreshKept)}>
                    forget
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </Cell>
  );
});

function folderName(list: FileList): string {
  const rel = (list[0] as (File & { webkitRelativePath?: string }) | undefined)?.webkitRelativePath ?? '';
  return rel.split('/')[0] || '(unnamed)';
}

/** Bytes in megabytes, as the download line says them. */
function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MB`;
}
