// The slice of papaparse that src/core/data/csv.ts uses, for tsconfig.core.json only (mapped in
// its `paths`): @types/papaparse references Node's types, which would make every Node global
// visible to core. tsconfig.json checks csv.ts against the real @types/papaparse.

interface ParseError {
  readonly code: string;
  readonly message: string;
  readonly row?: number;
}

interface ParseResult<T> {
  readonly data: T[];
  readonly errors: ParseError[];
  readonly meta: { readonly delimiter: string };
}

declare const Papa: {
  parse<T>(text: string, config: { skipEmptyLines?: boolean; delimiter?: string }): ParseResult<T>;
};

export default Papa;
