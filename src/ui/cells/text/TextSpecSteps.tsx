import type { ReactNode } from 'react';
import type { Problem, SourceFile } from '../../../core/data/types';
import type { TextDataSpec, TextSource } from '../../../core/text/textData';
import { csvFilesOf, csvSourceFor, readCsvHeader, type CsvHeader } from '../../../state/textSpecForm';
import { Field, NumberInput, Select, TextInput } from '../../components/Field';

type CsvSource = Extract<TextSource, { kind: 'csv' }>;

/** A field of the text form, with the problems Build named for it underneath. */
function SpecField(props: { label: string; hint?: string; field: string; problems: readonly Problem[]; children: ReactNode }) {
  return (
    <Field label={props.label} hint={props.hint}>
      {props.children}
      {props.problems
        .filter((p) => p.field === props.field)
        .map((p, i) => (
          <span key={i} className="field-error" data-testid="text-spec-error" data-field={props.field} role="alert">
            {p.message}
          </span>
        ))}
    </Field>
  );
}

/** A column's option: its name and what its first row holds, cut short. */
function columnOption(header: CsvHeader | null, c: string): readonly [string, string] {
  const ex = (header?.sample[0]?.[c] ?? '').replace(/\s+/g, ' ').trim();
  return [c, ex ? `${c} — ${ex.length > 24 ? `${ex.slice(0, 24)}…` : ex}` : c];
}

/** The CSV's columns as options; a chosen column the CSV lacks stays shown, marked, so its problem can be read. */
function columnOptions(header: CsvHeader | null, value: string, none?: string): (readonly [string, string])[] {
  const cols = header?.columns ?? [];
  const missing = value !== '' && !cols.includes(value) ? [[value, header ? `${value} (not in the CSV)` : value] as const] : [];
  return [...(none !== undefined ? [['', none] as const] : []), ...missing, ...cols.map((c) => columnOption(header, c))];
}

/** The chosen CSV files as options; a saved path no longer among them stays shown, marked. */
function csvOptions(csvs: readonly string[], value: string): (readonly [string, string])[] {
  const missing = csvs.includes(value) ? [] : [[value, value ? `${value} (not among the chosen files)` : 'no .csv chosen'] as const];
  return [...missing, ...csvs.map((p) => [p, p] as const)];
}

/** A separator as words, for the hint: ' ' is invisible in a box. */
function separatorInWords(s: string): string {
  return s === ' ' ? 'a space' : s.trim() === '' ? `${s.length} spaces` : `"${s}"`;
}

/** Steps 1 and 2: where the texts are and how they are labelled. */
export function TextSourceSteps(props: { spec: TextDataSpec; files: readonly SourceFile[]; header: CsvHeader | null; problems: readonly Problem[]; onChange: (spec: TextDataSpec) => void }) {
  const { spec, files, header, problems } = props;
  const source = spec.source;
  const csvs = csvFilesOf(files);
  const setSource = (s: TextSource) => props.onChange({ ...spec, source: s });
  // Another CSV (or CSV at all): its header decides the columns, as the guess would.
  const chooseCsv = async (path: string) => {
    const h = await readCsvHeader(files, path);
    setSource(h ? csvSourceFor(h) : { kind: 'csv', csvPath: path, textColumn: '', labelColumn: '' });
  };
  const hasTexts = files.some((f) => /\.txt$/i.test(f.path));
  const kinds = [...(hasTexts || source.kind === 'folder' ? [['folder', 'a folder of .txt files'] as const] : []), ...(csvs.length > 0 || source.kind === 'csv' ? [['csv', 'rows of a CSV'] as const] : [])];
  return (
    <>
      <fieldset className="step">
        <legend>1 · Texts</legend>
        <SpecField
          label="Texts from"
          hint={source.kind === 'folder' ? 'named by class: train/pos, valid/neg, unsup/ (from_folder)' : 'a text column and a label column (from_csv)'}
          field="source.kind"
          problems={problems}
        >
          <Select<TextSource['kind']> testId="text-spec-source" value={source.kind} options={kinds} onChange={(k) => (k === 'folder' ? setSource({ kind: 'folder' }) : void chooseCsv(csvs[0] ?? ''))} />
        </SpecField>
        {source.kind === 'csv' && (
          <>
            <SpecField label="CSV file" field="source.csvPath" problems={problems}>
              <Select<string> testId="text-spec-csv" value={source.csvPath} options={csvOptions(csvs, source.csvPath)} onChange={(p) => void chooseCsv(p)} />
            </SpecField>
            <SpecField label="Text column" hint="fastai's text_col" field="source.textColumn" problems={problems}>
              <Select<string> testId="text-spec-text-column" value={source.textColumn} options={columnOptions(header, source.textColumn)} onChange={(textColumn) => setSource({ ...source, textColumn })} />
            </SpecField>
          </>
        )}
        {source.kind === 'folder' && <p className="step-note">Every .txt file is a text; files under test/ are left out.</p>}
      </fieldset>
      <fieldset className="step">
        <legend>2 · Labels</legend>
        {source.kind === 'folder' && (
          <p className="step-note" data-testid="text-spec-folder-labels">
            The parent folder&apos;s name: train/pos/1.txt is <code>pos</code>. Texts in unsup/ have no label; the language model reads them.
          </p>
        )}
        {source.kind === 'csv' && <CsvLabelFields source={source} header={header} problems={problems} onChange={setSource} />}
      </fieldset>
    </>
  );
}

/** The CSV's label column and its separator (fastai's `label_col`, `label_delim`). */
function CsvLabelFields(props: { source: CsvSource; header: CsvHeader | null; problems: readonly Problem[]; onChange: (s: CsvSource) => void }) {
  const { source, header, problems } = props;
  const sep = source.separator ?? '';
  const hint =
    sep === ''
      ? "blank = one label per text; a space, ; or , = several tags per text (multi-label, fastai's label_delim)"
      : `several tags per text, split on ${separatorInWords(sep)} (multi-label); blank = one label per text`;
  return (
    <>
      <SpecField label="Label column" hint="fastai's label_col" field="source.labelColumn" problems={problems}>
        <Select<string> testId="text-spec-label-column" value={source.labelColumn} options={columnOptions(header, source.labelColumn)} onChange={(labelColumn) => props.onChange({ ...source, labelColumn })} />
      </SpecField>
      <SpecField label="Label separator" hint={hint} field="source.separator" problems={problems}>
        <TextInput testId="text-spec-separator" value={sep} placeholder="blank = single-label" onChange={(s) => props.onChange(withoutEmpty({ ...source, separator: s }))} />
      </SpecField>
    </>
  );
}

/** The CSV source without an empty separator or validation column: absent is how the spec says "none". */
function withoutEmpty(s: CsvSource): CsvSource {
  const { separator, validColumn, ...rest } = s;
  return { ...rest, ...(separator ? { separator } : {}), ...(validColumn ? { validColumn } : {}) };
}

/** Steps 3 and 4: the split (a column of the CSV's, else at random) and the vocabulary. */
export function TextSplitSteps(props: { spec: TextDataSpec; header: CsvHeader | null; problems: readonly Problem[]; onChange: (spec: TextDataSpec) => void }) {
  const { spec, header, problems } = props;
  const source = spec.source;
  const set = (patch: Partial<TextDataSpec>) => props.onChange({ ...spec, ...patch });
  const byColumn = source.kind === 'csv' && !!source.validColumn;
  const pctHint =
    source.kind === 'folder' ? 'held out at random when there are not both train/ and valid/ folders' : byColumn ? 'not used: the validation column splits' : 'share of the texts held out at random (fastai valid_pct)';
  return (
    <>
      <fieldset className="step">
        <legend>3 · Split</legend>
        {source.kind === 'csv' && (
          <SpecField label="Validation column" hint="true = validation; none = split at random" field="source.validColumn" problems={problems}>
            <Select<string>
              testId="text-spec-valid-column"
              value={source.validColumn ?? ''}
              options={columnOptions(header, source.validColumn ?? '', 'none: split at random')}
              onChange={(validColumn) => props.onChange({ ...spec, source: withoutEmpty({ ...source, validColumn }) })}
            />
          </SpecField>
        )}
        <SpecField label="Validation share" hint={pctHint} field="validPct" problems={problems}>
          <NumberInput testId="text-spec-valid-pct" value={spec.validPct} step={0.05} min={0.01} max={0.99} onChange={(validPct) => set({ validPct })} />
        </SpecField>
        <SpecField label="Seed" hint="same seed, same split" field="seed" problems={problems}>
          <NumberInput testId="text-spec-seed" value={spec.seed} onChange={(seed) => set({ seed })} />
        </SpecField>
      </fieldset>
      <fieldset className="step">
        <legend>4 · Vocabulary</legend>
        <SpecField label="Min frequency" hint="rarer words become xxunk (fastai min_freq, 3 there)" field="minFreq" problems={problems}>
          <NumberInput testId="text-spec-min-freq" value={spec.minFreq} min={1} onChange={(minFreq) => set({ minFreq })} />
        </SpecField>
        <SpecField label="Max vocabulary" hint="most frequent words kept (fastai max_vocab, 60000 there)" field="maxVocab" problems={problems}>
          <NumberInput testId="text-spec-max-vocab" value={spec.maxVocab} min={10} step={100} onChange={(maxVocab) => set({ maxVocab })} />
        </SpecField>
      </fieldset>
    </>
  );
}
